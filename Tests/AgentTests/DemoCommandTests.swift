import Foundation
import Testing

/// The README's first command, as a person runs it: `3dp-agent demo` plays the whole seed flow and leaves
/// nothing behind.
@Suite(.serialized, .timeLimit(.minutes(2))) struct DemoCommandTests {
    @Test func theDemoPlaysTheSeedFlowToACompletedPrintAndCleansUp() async throws {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("3dp-demo-home-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: home) }
        let outcome = try await ClientProcess.run(["demo", "--gcode", "--segments", "1500"], configHome: home)
        #expect(outcome.status == 0, "\(outcome.stdout)\n\(outcome.stderr)")
        let steps = outcome.lines.compactMap { $0.split(separator: " ").first.map(String.init) }
        for step in ["printer", "content", "agent", "discover", "pair", "info", "servers", "subscribe", "token", "print", "job", "summary"] {
            #expect(steps.contains(step), "no \(step) line in:\n\(outcome.stdout)")
        }
        #expect(outcome.stdout.contains("job        downloading"))
        #expect(outcome.stdout.contains("job        printing"))
        #expect(outcome.stdout.contains("sample-part.gcode: completed"))
        #expect(outcome.stdout.contains("1516 G-code lines confirmed"), "every command of the sample part: its moves, layer changes and scripts")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: FileManager.default.temporaryDirectory.path)
            .filter { $0.hasPrefix("3dp-agent-demo-") }
        #expect(!leftovers.contains { $0.hasSuffix("-\(outcome.pid)") }, "the demo's temporary directory is gone")
    }

    /// With a slicer installed (CI installs them), the README's first command shows slicing on the board too.
    @Test func withASlicerInstalledTheDemoSlicesItsModelThenPrintsIt() async throws {
        _ = try await SlicingThroughTheEndpointTests.requireSlicer()
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("3dp-demo-home-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: home) }
        let outcome = try await ClientProcess.run(["demo"], configHome: home)
        #expect(outcome.status == 0, "\(outcome.stdout)\n\(outcome.stderr)")
        #expect(outcome.stdout.contains("slicer "))
        #expect(outcome.stdout.contains("job        slicing"))
        #expect(outcome.stdout.contains("job        printing"))
        #expect(outcome.stdout.contains("sample-block.stl: completed"))
    }
}
