import Foundation
import Testing

/// DESIGN.md §2: "a layer may import only what its row names, and a test checks it". The rows are
/// `docs/modules.md`'s.
@Suite struct ModuleMapTests {
    @Test func everyTargetDependsOnlyOnWhatItsRowNames() async throws {
        let map = try ModuleMap.load()
        let package = try await PackageTargets.load()
        let targets = package.targets.filter { $0.type != "test" }
        #expect(!targets.isEmpty)
        for target in targets {
            guard let allowed = map.allowed[target.name] else {
                Issue.record("docs/modules.md has no row for the target \(target.name)")
                continue
            }
            let beyond = target.dependencies.subtracting(allowed)
            #expect(beyond.isEmpty, "\(target.name) depends on \(beyond.sorted()), which its row does not name")
        }
        let stale = Set(map.allowed.keys).subtracting(targets.map(\.name))
        #expect(stale.isEmpty, "docs/modules.md has rows for targets that do not exist: \(stale.sorted())")
    }

    /// An import of a project target not named in the row fails too: a declared dependency is not needed for an
    /// import to compile when the module was built for another target.
    @Test func everyImportOfAProjectTargetIsInItsRow() throws {
        let map = try ModuleMap.load()
        let projectTargets = Set(map.allowed.keys)
        let sources = ModuleMap.packageRoot.appendingPathComponent("Sources")
        for (target, allowed) in map.allowed {
            let directory = sources.appendingPathComponent(target)
            guard let files = FileManager.default.enumerator(atPath: directory.path) else { continue }
            for case let file as String in files where file.hasSuffix(".swift") {
                let text = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
                for imported in Self.importedModules(text) where projectTargets.contains(imported) {
                    #expect(allowed.contains(imported),
                            "Sources/\(target)/\(file) imports \(imported), which the row of \(target) does not name")
                }
            }
        }
    }

    @Test func aRowThatOmitsADependencyIsCaught() throws {
        let map = try ModuleMap(markdown: """
            | target | role | depends on | why |
            |---|---|---|---|
            | `A` | a | `B` | |
            | `B` | b | — | |
            """)
        #expect(map.allowed == ["A": ["B"], "B": []])
        let json = Data(#"{"targets":[{"name":"B","type":"regular","dependencies":[{"byName":["A",null]}]}]}"#.utf8)
        let package = try PackageTargets(json: json)
        #expect(package.targets.first?.dependencies.subtracting(map.allowed["B"] ?? []) == ["A"])
    }

    static func importedModules(_ text: String) -> [String] {
        text.split(separator: "\n").compactMap { line in
            let words = line.split(separator: " ")
            guard let index = words.firstIndex(of: "import"), index + 1 < words.count,
                  words[..<index].allSatisfy({ $0.hasPrefix("@") || $0 == "public" || $0 == "package" || $0 == "internal" })
            else { return nil }
            return String(words[index + 1])
        }
    }
}
