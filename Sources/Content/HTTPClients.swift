import AsyncHTTPClient
import Foundation
import NIOCore
import NIOSSL
import Synchronization

/// One HTTP client per trust configuration (the system store, or a server's CA file), made on first use so that a
/// content client that never downloads holds no connections; `shutdown` ends them all.
final class HTTPClients: Sendable {
    private struct State {
        var clients: [String?: HTTPClient] = [:]
        var closed = false
    }

    private let state = Mutex(State())
    private let base: HTTPClient.Configuration

    init(idleTimeout: Duration) {
        base = HTTPClient.Configuration(
            // Redirects are followed by the content client itself, after checking them against the allowlist:
            // AsyncHTTPClient would carry the Authorization header along to wherever they point.
            redirectConfiguration: .disallow,
            timeout: .init(connect: .seconds(10), read: TimeAmount(idleTimeout)),
            decompression: .disabled
        )
    }

    /// The client for servers trusted through `caFile` (nil: the system's certificate authorities).
    func client(caFile: String?) throws(ContentError) -> HTTPClient {
        let base = self.base
        return try state.withLock { state throws(ContentError) -> HTTPClient in
            guard !state.closed else { throw .downloadFailed("the content client has been shut down") }
            if let existing = state.clients[caFile] { return existing }
            var configuration = base
            if let caFile {
                var tls = TLSConfiguration.makeClientConfiguration()
                tls.trustRoots = .file(caFile)
                configuration.tlsConfiguration = tls
            }
            let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
            state.clients[caFile] = client
            return client
        }
    }

    func shutdown() async {
        let all: [HTTPClient] = state.withLock { state in
            state.closed = true
            defer { state.clients = [:] }
            return Array(state.clients.values)
        }
        for client in all { try? await client.shutdown() }
    }
}
