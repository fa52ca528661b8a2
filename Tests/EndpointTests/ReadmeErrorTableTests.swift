import Endpoint
import Foundation
import Testing
@testable import ThreeDPProtocol

/// The README's error table is the one a plug-in author reads: it must list exactly the codes the agent sends.
@Suite struct ReadmeErrorTableTests {
    static func readmeRows() throws -> [(code: Int, name: String, meaning: String)] {
        let readme = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("README.md")
        let text = try String(contentsOf: readme, encoding: .utf8)
        let section = try #require(text.components(separatedBy: "### Error codes").dropFirst().first)
        return section.split(separator: "\n").compactMap { line in
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count == 3, cells[1].hasPrefix("`") else { return nil }
            let codeText = cells[0].split(separator: " ")[0]
            let code = codeText.hasPrefix("0x") ? Int(codeText.dropFirst(2), radix: 16) : Int(codeText)
            return code.map { ($0, cells[1].trimmingCharacters(in: CharacterSet(charactersIn: "`")), cells[2]) }
        }
    }

    @Test func theReadmeListsEveryCodeWithItsNameAndMeaning() throws {
        let rows = try Self.readmeRows()
        #expect(rows.map(\.code) == JSONRPCError.table.map(\.code))
        #expect(rows.map(\.name) == JSONRPCError.table.map(\.name))
        #expect(rows.map(\.meaning) == JSONRPCError.table.map(\.meaning))
    }
}
