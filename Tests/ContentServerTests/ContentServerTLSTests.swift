import ChildProcesses
import ContentServer
import Foundation
import Testing

/// HTTPS with a self-signed certificate, checked by curl trusting exactly that certificate (as the agent does with a
/// configured CA file).
@Suite(.serialized, .timeLimit(.minutes(1)))
struct ContentServerTLSTests {
    @Test(.enabled(if: Tool.exists("/usr/bin/openssl") && Tool.exists("/usr/bin/curl")))
    func servesOverHTTPSWithTheGivenCertificate() async throws {
        let root = try ContentRoot()
        defer { root.remove() }
        let file = try root.write("cube.gcode", size: 50_000)
        let certificate = root.path + "/.cert.pem", key = root.path + "/.key.pem"
        let generated = try await Tool.run("/usr/bin/openssl", [
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
            "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", certificate])
        try #require(generated == 0)
        var settings = Loopback.settings(root)
        settings.tls = (certificatePath: certificate, keyPath: key)
        try await ContentServer.serve(settings, logger: Loopback.logger) { server in
            #expect(server.baseURL.hasPrefix("https://127.0.0.1:"))
            let token = try await server.issueToken(contentId: "cube.gcode")
            let output = root.path + "/.downloaded"
            let status = try await Tool.run("/usr/bin/curl", [
                "-sf", "--cacert", certificate, "-H", "Authorization: Bearer \(token.token)", "-o", output,
                Loopback.contentURL(server, "cube.gcode")])
            #expect(status == 0)
            #expect(try Data(contentsOf: URL(fileURLWithPath: output)) == Data(file))
            // Without trusting the certificate, curl refuses the server.
            let untrusted = try await Tool.run("/usr/bin/curl", ["-sf", "-o", "/dev/null", server.baseURL + "/3dp/v1/selection"])
            #expect(untrusted == 60)
        }
    }

    @Test func unreadableTLSFilesAreSaidSo() async throws {
        let root = try ContentRoot()
        defer { root.remove() }
        var settings = Loopback.settings(root)
        settings.tls = (certificatePath: "/nonexistent/cert.pem", keyPath: "/nonexistent/key.pem")
        await #expect(throws: ContentServerError.self) {
            try await ContentServer.serve(settings, logger: Loopback.logger) { _ in }
        }
    }
}

enum Tool {
    static func exists(_ path: String) -> Bool { FileManager.default.isExecutableFile(atPath: path) }

    /// Runs a tool to its end, output discarded; its exit status (the signal's number when one ended it).
    static func run(_ path: String, _ arguments: [String]) async throws -> Int32 {
        await ChildProcess.run(path, arguments).exit.code
    }
}
