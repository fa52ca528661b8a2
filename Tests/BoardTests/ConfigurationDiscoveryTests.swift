@testable import AgentConfig
import Testing

/// [discovery]: on by default, a name of at most one DNS label, and mistakes named with their line.
struct ConfigurationDiscoveryTests {
    private func parse(_ text: String) throws(ConfigurationError) -> AgentConfiguration {
        try AgentConfiguration.parse(text, source: "test.toml", defaultStateDirectory: "/tmp/state", hostname: "octopi")
    }

    @Test func discoveryIsOnByDefaultUnderTheAgentsName() throws {
        #expect(try parse("").discovery == DiscoverySettings(enabled: true, name: nil))
        let configuration = try parse("[discovery]\nenabled = false\nname = \"Workshop printers\"\n")
        #expect(configuration.discovery == DiscoverySettings(enabled: false, name: "Workshop printers"))
    }

    @Test(arguments: [
        ("[discovery]\nname = \"\(String(repeating: "é", count: 32))\"\n", 2, "'name' in [discovery] is 64 bytes long; DNS-SD allows 63 (UTF-8)"),
        ("[discovery]\nname = \"  \"\n", 2, "'name' in [discovery] must not be empty"),
        ("[discovery]\nenabled = \"yes\"\n", 2, nil),
        ("[discovery]\nenable = true\n", 2, nil),
    ] as [(String, Int, String?)])
    func badDiscoveryKeysAreRefusedWithTheirLine(text: String, line: Int, message: String?) {
        do {
            _ = try parse(text)
            Issue.record("accepted: \(text)")
        } catch {
            #expect(error.line == line)
            if let message { #expect(error.message == message) }
        }
    }
}
