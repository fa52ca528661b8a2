import Foundation
import Logging

/// Files in the spool that no job in the queue's database owns, found when the agent starts (issue 14, finding 5):
/// what a lost database, a crash between a download's rename and its record, or a history pruned past an
/// interrupted job leaves behind. Left there, they would count towards `spool_quota_mb` for ever.
///
/// A part file is removed: an unfinished download is of no use without its job, and its content is still on its
/// content server. Anything else (G-code) is moved to the `orphans` directory beside the spool, never deleted: after
/// a lost database it may be the only copy of a print someone wants to finish. There it counts towards no quota and
/// no job can take it for its own; the log names each file and its size so that a person can delete it.
public enum SpoolAudit {
    public struct Finding: Sendable, Equatable {
        public enum Action: Sendable, Equatable {
            case removed
            case keptAside(String)
            /// Neither could be done; the reason.
            case left(String)
        }

        public var name: String
        public var bytes: Int64
        public var action: Action

        public init(name: String, bytes: Int64, action: Action) {
            self.name = name
            self.bytes = bytes
            self.action = action
        }
    }

    static let ownedExtensions: Set<String> = ["part", "gcode", "stl", "3mf", "obj"]

    /// Looks at every regular file in `spool`; owned ones are left alone. Touches nothing when the database cannot
    /// say which jobs exist.
    @discardableResult
    public static func run(spool: String, orphans: String, store: JobStore,
                           logger: Logger = Logger(label: "3dp-agent.spool")) -> [Finding] {
        let owners: Set<String>
        do {
            owners = try store.allJobIds()
        } catch {
            logger.error("cannot check the spool for orphan files: \(error)")
            return []
        }
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: spool)) ?? []).sorted()
        var findings: [Finding] = []
        for name in names {
            let path = spool + "/" + name
            var status = stat()
            guard lstat(path, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else { continue }
            let stem = (name as NSString).deletingPathExtension
            let ext = (name as NSString).pathExtension
            // A job's own files: its download (`.part`), its G-code, and a model it slices (kept until the G-code
            // is there, so that a slice cut off by a restart runs again from it).
            if Self.ownedExtensions.contains(ext), owners.contains(stem) { continue }
            let bytes = Int64(status.st_size)
            let action: Finding.Action
            if ext == "part" {
                action = unlink(path) == 0 ? .removed : .left(String(cString: strerror(errno)))
            } else {
                action = keepAside(path, name: name, in: orphans)
            }
            findings.append(Finding(name: name, bytes: bytes, action: action))
            switch action {
            case .removed:
                logger.warning("removed an orphan part file from the spool (no job owns it)",
                               metadata: ["file": "\(path)", "bytes": "\(bytes)"])
            case .keptAside(let target):
                logger.warning("moved an orphan file out of the spool (no job owns it); delete it when it is not wanted",
                               metadata: ["file": "\(path)", "keptAs": "\(target)", "bytes": "\(bytes)"])
            case .left(let reason):
                logger.error("an orphan file in the spool could not be moved or removed",
                             metadata: ["file": "\(path)", "bytes": "\(bytes)", "reason": "\(reason)"])
            }
        }
        return findings
    }

    private static func keepAside(_ path: String, name: String, in orphans: String) -> Finding.Action {
        do {
            try FileManager.default.createDirectory(atPath: orphans, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        } catch {
            return .left("cannot create \(orphans): \(error)")
        }
        var target = orphans + "/" + name
        var number = 2
        while FileManager.default.fileExists(atPath: target) {
            target = orphans + "/" + "\(number)-" + name
            number += 1
        }
        return rename(path, target) == 0 ? .keptAside(target) : .left(String(cString: strerror(errno)))
    }
}
