import Foundation

/// A queue database that could not be read when the agent started, renamed out of the way so that a person (or a
/// support script) still has it, and the reason. A zero-length `queue.sqlite` is what a power cut between its
/// creation and its first checkpoint leaves: SQLite would take it for a new, empty database, and the interrupted
/// jobs and the queue holds — the interlock that waits for a person — would vanish without a word.
public struct SetAsideDatabase: Sendable, Equatable, CustomStringConvertible {
    /// Where the database was and is now again (a new, empty one).
    public var path: String
    /// Where the unreadable file was moved.
    public var keptAs: String
    /// Why it could not be read.
    public var reason: String

    public init(path: String, keptAs: String, reason: String) {
        self.path = path
        self.keptAs = keptAs
        self.reason = reason
    }

    public var description: String {
        "the print queue database could not be read (\(reason)); it was kept as \(keptAs) and the agent started with an empty queue: jobs that were queued, printing or interrupted are not known any more — check the printer before releasing its queue; Managers paired before must pair again"
    }

    /// Renames `path` (and its `-wal` and `-shm` files, when there are any) to `<path>.broken-<UTC time>`, with a
    /// number after it when that name is taken; returns the new name of the database file.
    static func setAside(_ path: String, now: Date) throws(JobStoreError) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        let stamp = formatter.string(from: now)
        var target = "\(path).broken-\(stamp)"
        var number = 2
        while FileManager.default.fileExists(atPath: target) {
            target = "\(path).broken-\(stamp)-\(number)"
            number += 1
        }
        guard rename(path, target) == 0 else {
            throw .cannotOpen(path: path, reason: "it is unreadable and could not be kept aside as \(target): \(String(cString: strerror(errno)))")
        }
        for suffix in ["-wal", "-shm"] where FileManager.default.fileExists(atPath: path + suffix) {
            if rename(path + suffix, target + suffix) != 0 { unlink(path + suffix) }
        }
        return target
    }
}
