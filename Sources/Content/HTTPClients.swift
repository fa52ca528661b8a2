import AsyncHTTPClient
import Foundation
import NIOCore
import NIOSSL

/// One HTTP client per trust configuration (the system store, or a server's CA file), made on first use so that a
/// content client that never downloads holds no connections; `shutdown` ends them all.
final class HTTPClients: @unchecked Sendable {
    private let lock = NSLock()
    private var clients: [String?: HTTPClient] = [:]
    private var closed = false
    private let base: HTTPClient.Configuration

    init(idleTimeout: Duration) {
        let (seconds, attoseconds) = idleTimeout.components
        base = HTTPClient.Configuration(
            // Redirects are followed by the content client itself, after checking them against the allowlist:
            // AsyncHTTPClient would carry the Authorization header along to wherever they point.
            redirectConfiguration: .disallow,
            timeout: .init(connect: .seconds(10), read: .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)),
            decompression: .disabled
        )
    }

    /// The client for servers trusted through `caFile` (nil: the system's certificate authorities).
    func client(caFile: String?) throws(ContentError) -> HTTPClient {
        lock.lock()
        defer { lock.unlock() }
        guard !closed else { throw .downloadFailed("the content client has been shut down") }
        if let existing = clients[caFile] { return existing }
        var configuration = base
        if let caFile {
            var tls = TLSConfiguration.makeClientConfiguration()
            tls.trustRoots = .file(caFile)
            configuration.tlsConfiguration = tls
        }
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        clients[caFile] = client
        return client
    }

    func shutdown() async {
        let all: [HTTPClient] = lock.withLock {
            closed = true
            defer { clients = [:] }
            return Array(clients.values)
        }
        for client in all { try? await client.shutdown() }
    }
}
