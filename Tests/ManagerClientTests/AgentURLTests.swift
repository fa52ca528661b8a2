import ManagerClient
import Testing

/// Every spelling of one agent address reduces to the same key, and what cannot be an agent address is refused.
struct AgentURLTests {
    @Test(arguments: [
        ("http://127.0.0.1:8631", "http://127.0.0.1:8631"),
        ("http://127.0.0.1:8631/", "http://127.0.0.1:8631"),
        ("127.0.0.1", "http://127.0.0.1:8631"),
        ("  Printer.Local:9000  ", "http://printer.local:9000"),
        ("HTTPS://printer.local/3dp/v1/", "https://printer.local:8631"),
        ("http://[::1]:8631/3dp/v1/rpc", "http://[::1]:8631"),
        ("[fe80::1]", "http://[fe80::1]:8631"),
        ("http://10.0.0.5:80", "http://10.0.0.5:80"),
    ])
    func normalizes(_ text: String, _ expected: String) throws {
        #expect(try AgentURL(parsing: text).description == expected)
    }

    @Test(arguments: ["ftp://printer", "http://", "http://user:pw@printer", "http://printer:0", "http://printer:70000",
                      "http://printer:80a", "http://printer/admin", "http://[::1", "http://pr inter"])
    func refuses(_ text: String) {
        #expect(throws: AgentURLError.self) { try AgentURL(parsing: text) }
    }

    @Test func endpointsFollowTheScheme() throws {
        let plain = try AgentURL(parsing: "printer.local")
        #expect(plain.rpcURL == "http://printer.local:8631/3dp/v1/rpc")
        #expect(plain.webSocketURL == "ws://printer.local:8631/3dp/v1/ws")
        let secure = try AgentURL(parsing: "https://printer.local:8632")
        #expect(secure.webSocketURL == "wss://printer.local:8632/3dp/v1/ws")
    }
}
