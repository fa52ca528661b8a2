import Foundation
import Subprocess
import SystemPackage

/// A slicer found on the board.
public struct InstalledSlicer: Sendable, Equatable, CustomStringConvertible {
    public var kind: SlicerKind
    public var executablePath: String
    /// As the slicer states it (`2.5.0+dfsg-4` style strings are shortened to what it prints, `2.5.0`).
    public var version: String

    public init(kind: SlicerKind, executablePath: String, version: String) {
        self.kind = kind
        self.executablePath = executablePath
        self.version = version
    }

    public var description: String { "\(kind) \(version) (\(executablePath))" }
}

/// Which slicer the configuration asks for.
public enum SlicerChoice: Sendable, Equatable {
    /// The first of PrusaSlicer, CuraEngine, Slic3r that is installed.
    case automatic
    case kind(SlicerKind)

    public init?(configured: String) {
        if configured == "auto" {
            self = .automatic
        } else if let kind = SlicerKind(rawValue: configured) {
            self = .kind(kind)
        } else {
            return nil
        }
    }
}

/// Finds slicers: on PATH, or at the path the configuration names. Pure but for the file system and one
/// `--version` call per slicer found.
public enum SlicerDiscovery {
    /// The slicer to use, or why there is none.
    public static func find(_ choice: SlicerChoice, path configuredPath: String? = nil,
                            searchPath: String? = ProcessInfo.processInfo.environment["PATH"]) async throws(SlicingFailure) -> InstalledSlicer {
        switch choice {
        case .kind(let kind):
            if let configuredPath {
                guard isExecutable(configuredPath) else {
                    throw .slicerMissing("\(kind) is configured at \(configuredPath), which is not an executable file")
                }
                return InstalledSlicer(kind: kind, executablePath: configuredPath, version: await version(of: kind, at: configuredPath))
            }
            guard let path = locate(kind, searchPath: searchPath) else {
                throw .slicerMissing("\(kind) is configured but not installed (\(kind.programNames.joined(separator: " or ")) is not on PATH; Debian: apt-get install \(debianPackage(kind)))")
            }
            return InstalledSlicer(kind: kind, executablePath: path, version: await version(of: kind, at: path))
        case .automatic:
            for kind in SlicerKind.preference {
                if let path = locate(kind, searchPath: searchPath) {
                    return InstalledSlicer(kind: kind, executablePath: path, version: await version(of: kind, at: path))
                }
            }
            throw .slicerMissing("none of PrusaSlicer, CuraEngine or Slic3r is installed (Debian: apt-get install prusa-slicer, cura-engine or slic3r)")
        }
    }

    public static func debianPackage(_ kind: SlicerKind) -> String {
        switch kind {
        case .prusaSlicer: return "prusa-slicer"
        case .curaEngine: return "cura-engine"
        case .slic3r: return "slic3r"
        }
    }

    public static func locate(_ kind: SlicerKind, searchPath: String?) -> String? {
        let directories = (searchPath ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":")
        for name in kind.programNames {
            for directory in directories where !directory.isEmpty {
                let candidate = "\(directory)/\(name)"
                if isExecutable(candidate) { return candidate }
            }
        }
        return nil
    }

    static func isExecutable(_ path: String) -> Bool {
        var status = stat()
        return stat(path, &status) == 0 && (status.st_mode & S_IFMT) == S_IFREG && access(path, X_OK) == 0
    }

    /// Asks the slicer; "unknown" when it cannot be run. Its output (standard error merged in) is read to its end,
    /// so that a long help text cannot stall it on a full pipe; the first 64 KB are searched.
    public static func version(of kind: SlicerKind, at path: String) async -> String {
        let arguments: [String]
        switch kind {
        case .prusaSlicer: arguments = ["--help"]
        case .curaEngine: arguments = ["help"]
        case .slic3r: arguments = ["--version"]
        }
        let kept = 64 * 1024
        let result = try? await Subprocess.run(.path(FilePath(path)), arguments: Arguments(arguments), input: .none,
                                               output: .sequence, error: .combinedWithOutput) { execution in
            var output: [UInt8] = []
            for try await buffer in execution.standardOutput where output.count < kept {
                buffer.withUnsafeBytes { output.append(contentsOf: $0.prefix(kept - output.count)) }
            }
            return output
        }
        guard let output = result?.closureResult else { return "unknown" }
        return parseVersion(kind, output: String(decoding: output, as: UTF8.self)) ?? "unknown"
    }

    /// `PrusaSlicer-2.5.0+UNKNOWN based on Slic3r`, `Cura_SteamEngine version 4.13.0`, `1.3.0`.
    public static func parseVersion(_ kind: SlicerKind, output: String) -> String? {
        for line in output.split(whereSeparator: \.isNewline) {
            switch kind {
            case .prusaSlicer:
                if let range = line.range(of: "PrusaSlicer-") {
                    let rest = line[range.upperBound...]
                    return String(rest.prefix { !$0.isWhitespace && $0 != "+" })
                }
            case .curaEngine:
                if let range = line.range(of: "version ") { return String(line[range.upperBound...].prefix { !$0.isWhitespace }) }
            case .slic3r:
                let text = line.trimmingCharacters(in: .whitespaces)
                if let first = text.first, first.isNumber { return text }
            }
        }
        return nil
    }
}
