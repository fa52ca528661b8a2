import ChildProcesses
import Content
import ContentServer
import Foundation
import Testing

/// HTTPS to a content server whose certificate only a configured CA file vouches for.
@Suite(.serialized, .timeLimit(.minutes(1)))
struct ContentTLSLoopbackTests {
    /// A self-signed certificate for 127.0.0.1 made with the `openssl` command line tool.
    static func makeCertificate(in folder: URL) async throws -> (certificate: String, key: String) {
        let certificate = folder.appendingPathComponent("server.pem").path
        let key = folder.appendingPathComponent("server.key").path
        let openssl = await ChildProcess.run("/usr/bin/env", ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                             "-nodes", "-keyout", key, "-out", certificate, "-days", "1", "-subj", "/CN=127.0.0.1",
                             "-addext", "subjectAltName=IP:127.0.0.1"])
        try #require(openssl.exit == ChildProcess.Exit(code: 0, signalled: false),
                     "openssl could not make a certificate: \(openssl.standardError)")
        return (certificate, key)
    }

    @Test func httpsWorksWithTheCAFileAndFailsClearlyWithout() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("content-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let (certificate, key) = try await Self.makeCertificate(in: folder)

        try await LoopbackContent.with(tls: (certificatePath: certificate, keyPath: key)) { content in
            let base = content.server.baseURL
            #expect(base.hasPrefix("https://127.0.0.1:"))
            let token = try await content.token()

            let withCA = [TrustedContentServer(url: base, name: "tls", caFile: certificate)]
            let downloaded = try await content.withClient(content.settings(servers: withCA)) { client in
                let selection = try await client.selection(server: base, token: token)
                return try await client.download(selection, server: base, token: token, partPath: content.partPath,
                                                 finalPath: content.finalPath) { _ in }
            }
            #expect(downloaded.sha256 == content.sha256)

            let systemStore = [TrustedContentServer(url: base, name: "tls")]
            let before = await content.server.servedRequests().count
            let error = await #expect(throws: ContentError.self) {
                try await content.withClient(content.settings(servers: systemStore)) { client in
                    try await client.selection(server: base, token: token)
                }
            }
            guard case .downloadFailed(let why)? = error else { Issue.record("\(String(describing: error))"); return }
            #expect(why.contains("TLS handshake"), "\(why)")
            #expect(why.contains("CA file"))
            #expect(!why.contains(token))
            #expect(await content.server.servedRequests().count == before)
        }
    }
}
