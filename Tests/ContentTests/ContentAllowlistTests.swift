import Content
import Logging
import Testing

@Suite struct ContentAllowlistTests {
    static let servers = [
        TrustedContentServer(url: "https://Files.Example.com/", name: "files"),
        TrustedContentServer(url: "https://files.example.com/prints/special", name: "special"),
        TrustedContentServer(url: "http://lab.local:8080", name: "lab", allowPlainHTTP: true),
        TrustedContentServer(url: "http://plain.example.com", name: "plain"),
        TrustedContentServer(url: "https://[::1]:9443/c", name: "v6"),
    ]

    static func client() -> ContentClient {
        ContentClient(settings: ContentSettings(servers: servers, spoolDirectory: "/tmp"),
                      logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
    }

    /// URL → the configured server's name, or the refusal.
    @Test(arguments: [
        ("https://files.example.com/a.gcode", "files"),
        ("HTTPS://FILES.EXAMPLE.COM:443/a.gcode", "files"),
        ("https://files.example.com", "files"),
        ("https://files.example.com/prints/special/x.stl", "special"),
        ("https://files.example.com/prints/special", "special"),
        ("https://files.example.com/prints/specialist/x", "files"),
        ("http://lab.local:8080/3dp/v1/selection", "lab"),
        ("http://LAB.local:8080", "lab"),
        ("https://[::1]:9443/c/d", "v6"),
        ("https://files.example.com:8443/a", "not trusted"),
        ("http://files.example.com/a", "not trusted"),
        ("http://lab.local/a", "not trusted"),
        ("https://evil.example.com/a", "not trusted"),
        ("https://files.example.com.evil.net/a", "not trusted"),
        ("https://user@files.example.com/a", "not trusted"),
        ("https://u:p@files.example.com/a", "not trusted"),
        ("https://files.example.com/prints/special/../../x", "not trusted"),
        ("https://files.example.com/prints/special/%2e%2E/x", "not trusted"),
        ("ftp://files.example.com/a", "not trusted"),
        ("files.example.com/a", "not trusted"),
        ("https://files.example.com:0/a", "not trusted"),
        ("https://[::1]:9443/other", "not trusted"),
        ("http://plain.example.com/a", "plain refused"),
    ])
    func urlsMatchConfiguredServers(url: String, expected: String) {
        let outcome: String
        do {
            outcome = try Self.client().trustedServer(for: url).name
        } catch {
            switch error {
            case .serverNotTrusted: outcome = "not trusted"
            case .plainHTTPNotAllowed: outcome = "plain refused"
            default: outcome = "\(error)"
            }
        }
        #expect(outcome == expected, "\(url)")
    }

    @Test(arguments: [
        ("https://Files.Example.com", "https", "files.example.com", 443, "/"),
        ("http://h:8080/a/b?c=d#e", "http", "h", 8080, "/a/b?c=d"),
        ("http://h/a//b/", "http", "h", 80, "/a//b/"),
        ("https://[::1]/x", "https", "::1", 443, "/x"),
    ])
    func urlsAreNormalised(text: String, scheme: String, host: String, port: Int, target: String) throws {
        let url = try ContentURL(text)
        #expect(url.scheme == scheme)
        #expect(url.host == host)
        #expect(url.port == port)
        #expect(url.target == target)
    }

    @Test func originsIgnoreDefaultPortsAndCase() throws {
        #expect(try ContentURL("https://A.example:443/x").origin == ContentURL("https://a.example/y").origin)
        #expect(try ContentURL("http://a.example:80/").origin != ContentURL("https://a.example/").origin)
        #expect(try ContentURL("https://a.example:8443/").origin != ContentURL("https://a.example/").origin)
    }

    @Test func selectionPathIsAppendedToTheServersPrefix() throws {
        #expect(try ContentURL("https://h/").appending(path: "3dp/v1/selection") == "https://h/3dp/v1/selection")
        #expect(try ContentURL("https://h:8443/p/").appending(path: "3dp/v1/selection") == "https://h:8443/p/3dp/v1/selection")
        #expect(try ContentURL("http://[::1]:80/p").appending(path: "x") == "http://[::1]/p/x")
    }

    @Test func redirectsResolveOnTheSameOrigin() throws {
        let base = try ContentURL("https://h:8443/a/b")
        #expect(try base.resolving(location: "/c").text == "https://h:8443/c")
        #expect(try base.resolving(location: "https://other/x").text == "https://other/x")
        #expect(throws: ContentURL.Refusal.self) { try base.resolving(location: "//evil/x") }
    }

    /// A refused URL with credentials is never repeated, so a secret someone put in it cannot reach a log.
    @Test func credentialsInARefusedURLAreNotRepeated() {
        do {
            _ = try Self.client().trustedServer(for: "https://agent:S3cr3tT0ken@files.example.com/a")
            Issue.record("a URL with credentials was accepted")
        } catch {
            #expect(error == .serverNotTrusted("a https URL with credentials in it"))
            #expect(!error.description.contains("S3cr3tT0ken"))
        }
    }
}
