import Foundation
import Testing

/// `client discover --lan`'s command line, refused before anything is sent.
@Suite(.timeLimit(.minutes(1)))
struct LANDiscoverVerbTests {
    @Test(arguments: [
        (["--lan", "--url", "http://printer.local"], "Error: --lan lists every agent on the network; it takes no --url"),
        (["--lan", "--timeout", "0"], "Error: --timeout must be 0.1 to 60 seconds, not 0.0"),
        (["--lan", "--timeout", "61"], "Error: --timeout must be 0.1 to 60 seconds, not 61.0"),
    ])
    func aBrowseThatCannotBeMadeAsGivenIsRefused(arguments: [String], message: String) async throws {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("lan-verb-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: home) }
        let outcome = try await ClientProcess.run(["client", "discover"] + arguments, configHome: home)
        #expect(outcome.status == 64)
        #expect(outcome.stderr.hasPrefix(message + "\n"), "\(outcome.stderr)")
        #expect(outcome.stdout.isEmpty)
    }
}
