import ChildProcesses
import Foundation

/// The table of `docs/modules.md`: each target's row and the project targets it may depend on.
struct ModuleMap {
    var allowed: [String: Set<String>]

    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    static func load() throws -> ModuleMap {
        let text = try String(contentsOf: packageRoot.appendingPathComponent("docs/modules.md"), encoding: .utf8)
        return try ModuleMap(markdown: text)
    }

    struct Malformed: Error, CustomStringConvertible {
        var description: String
    }

    /// Rows are `| \`Target\` | role | \`A\`, \`B\` or — | why |`; the header and its rule are skipped.
    init(markdown: String) throws {
        var allowed: [String: Set<String>] = [:]
        for line in markdown.split(separator: "\n") where line.hasPrefix("| `") {
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).map {
                $0.trimmingCharacters(in: .whitespaces)
            }
            guard cells.count >= 4 else { throw Malformed(description: "a row with too few cells: \(line)") }
            let names = Self.quotedNames(cells[1])
            guard names.count == 1, let name = names.first else {
                throw Malformed(description: "a row must name one target: \(line)")
            }
            guard allowed[name] == nil else { throw Malformed(description: "two rows for \(name)") }
            allowed[name] = Set(Self.quotedNames(cells[3]))
        }
        self.allowed = allowed
    }

    static func quotedNames(_ cell: String) -> [String] {
        cell.split(separator: "`", omittingEmptySubsequences: false).enumerated()
            .filter { $0.offset % 2 == 1 }.map { String($0.element) }
    }
}

/// The targets of `Package.swift` as SwiftPM reads them, with their dependencies on other targets of the package.
struct PackageTargets {
    struct Target {
        var name: String
        var type: String
        var dependencies: Set<String>
    }

    var targets: [Target]

    /// `swift package dump-package` evaluates the manifest alone. `describe` would give the same targets, but it
    /// takes the lock on `.build` that the running `swift test` holds, and would wait for ever.
    static func load() async throws -> PackageTargets {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("module-map-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let dumped = await ChildProcess.run("/usr/bin/env", ["swift", "package", "--package-path", ModuleMap.packageRoot.path,
                                                             "--scratch-path", scratch.path, "dump-package"])
        guard dumped.exit == ChildProcess.Exit(code: 0, signalled: false) else {
            throw ModuleMap.Malformed(description: "swift package dump-package ended with \(dumped.exit): \(dumped.standardError)")
        }
        return try PackageTargets(json: Data(dumped.standardOutput.utf8))
    }

    init(json: Data) throws {
        guard let root = try JSONSerialization.jsonObject(with: json) as? [String: Any],
              let targets = root["targets"] as? [[String: Any]]
        else { throw ModuleMap.Malformed(description: "dump-package gave no targets") }
        self.targets = targets.compactMap { target in
            guard let name = target["name"] as? String, let type = target["type"] as? String else { return nil }
            let dependencies = (target["dependencies"] as? [[String: Any]] ?? []).compactMap { dependency -> String? in
                // A project target is `byName` or `target`; a package's product is `product`.
                let reference = dependency["byName"] ?? dependency["target"]
                return (reference as? [Any])?.first as? String
            }
            return Target(name: name, type: type, dependencies: Set(dependencies))
        }
    }

}
