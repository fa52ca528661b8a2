import AsyncHTTPClient
import Content
import ContentServer
import Digest
import Foundation
import Logging
import NIOCore

/// A temporary root with a few contents; removed by `remove()`.
struct ContentRoot {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "content-root-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path + "/parts", withIntermediateDirectories: true)
    }

    /// Bytes 0, 1, ..., 255, 0, 1... so any offset's byte is known.
    @discardableResult
    func write(_ contentId: String, size: Int) throws -> [UInt8] {
        let bytes = (0..<size).map { UInt8(truncatingIfNeeded: $0) }
        let url = URL(fileURLWithPath: path + "/" + contentId)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: url)
        return bytes
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// A clock tests move by hand.
final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current = Date(timeIntervalSince1970: 1_800_000_000)

    var now: Date { lock.withLock { current } }
    func advance(by seconds: TimeInterval) { lock.withLock { current += seconds } }
}

struct Fetched {
    var status: Int
    var headers: [String: String]
    var body: [UInt8]
    /// Set when the body ended early (the connection went away).
    var bodyError: (any Error)?

    func header(_ name: String) -> String? { headers[name.lowercased()] }
}

enum Loopback {
    static let adminKey = "test-admin-key"
    /// Quiet: a stop cuts connections, which Hummingbird reports at error level.
    static let logger: Logger = {
        var logger = Logger(label: "content-server-tests")
        logger.logLevel = .critical
        return logger
    }()

    static func settings(_ root: ContentRoot, clock: TestClock? = nil, faults: ContentFaults = .none) -> ContentServerSettings {
        var settings = ContentServerSettings(root: root.path, port: 0, adminKey: adminKey, faults: faults)
        if let clock { settings.now = { clock.now } }
        return settings
    }

    /// A server on a free loopback port and a client for it, both gone when `body` returns.
    static func withServer<T: Sendable>(_ settings: ContentServerSettings,
                                        _ body: (RunningContentServer, HTTPClient) async throws -> T) async throws -> T {
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        do {
            let result = try await ContentServer.serve(settings, logger: logger) { try await body($0, client) }
            try await client.shutdown()
            return result
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    static func fetch(_ client: HTTPClient, _ url: String, method: String = "GET", bearer: String? = nil,
                      headers: [(String, String)] = [], body: String? = nil) async throws -> Fetched {
        var request = HTTPClientRequest(url: url)
        request.method = .init(rawValue: method)
        if let bearer { request.headers.add(name: "Authorization", value: "Bearer \(bearer)") }
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(string: body)) }
        let response = try await client.execute(request, timeout: .seconds(30))
        var bytes: [UInt8] = []
        var bodyError: (any Error)?
        do {
            for try await chunk in response.body { bytes.append(contentsOf: chunk.readableBytesView) }
        } catch {
            bodyError = error
        }
        var fields: [String: String] = [:]
        for header in response.headers { fields[header.name.lowercased()] = header.value }
        return Fetched(status: Int(response.status.code), headers: fields, body: bytes, bodyError: bodyError)
    }

    static func contentURL(_ server: RunningContentServer, _ contentId: String) -> String {
        server.baseURL + "/3dp/v1/contents/" + contentId
    }

    static func sha256(_ path: String) throws -> String {
        var stream = SHA256Stream()
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        data.withUnsafeBytes { stream.update($0) }
        return stream.finalize()
    }
}

/// Collects every body part as it arrives, so a body cut short by the server is seen whole up to the cut (the async
/// body sequence may discard parts it buffered once the connection fails).
final class BodyCollector: HTTPClientResponseDelegate, @unchecked Sendable {
    typealias Response = Void
    private let lock = NSLock()
    private var collected: [UInt8] = []

    var bytes: [UInt8] { lock.withLock { collected } }

    func didReceiveBodyPart(task: HTTPClient.Task<Void>, _ buffer: ByteBuffer) -> EventLoopFuture<Void> {
        lock.withLock { collected.append(contentsOf: buffer.readableBytesView) }
        return task.eventLoop.makeSucceededVoidFuture()
    }

    func didFinishRequest(task: HTTPClient.Task<Void>) throws {}

    /// The request's outcome: nil when the body arrived whole, else why it did not.
    static func fetch(_ client: HTTPClient, _ url: String, bearer: String) async throws -> (BodyCollector, (any Error)?) {
        var request = try HTTPClient.Request(url: url)
        request.headers.add(name: "Authorization", value: "Bearer \(bearer)")
        let collector = BodyCollector()
        do {
            try await client.execute(request: request, delegate: collector).futureResult.get()
            return (collector, nil)
        } catch {
            return (collector, error)
        }
    }
}
