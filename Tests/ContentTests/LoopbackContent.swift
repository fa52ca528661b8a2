import Content
import ContentServer
import Digest
import Foundation
import Logging

/// A reference content server on loopback serving one content, a spool next to it, and a log that remembers every
/// line the client wrote (to prove the token never reaches it).
struct LoopbackContent: Sendable {
    static let contentId = "benchy.gcode"
    static let size = 3 << 20

    let server: RunningContentServer
    let folder: URL
    let bytes: [UInt8]
    let sha256: String
    let log: RecordedLog

    var spool: String { folder.appendingPathComponent("spool").path }
    var partPath: String { spool + "/job-1.part" }
    var finalPath: String { spool + "/job-1.gcode" }
    var root: String { folder.appendingPathComponent("root").path }

    /// Runs `body` with a server holding a pseudo-random content of `size` bytes, then removes everything.
    static func with<T: Sendable>(size: Int = LoopbackContent.size, faults: ContentFaults = .none,
                                  tls: (certificatePath: String, keyPath: String)? = nil,
                                  _ body: (LoopbackContent) async throws -> T) async throws -> T {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("content-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("root"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("spool"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let bytes = pseudoRandomBytes(count: size)
        try Data(bytes).write(to: folder.appendingPathComponent("root/\(contentId)"))
        var stream = SHA256Stream()
        bytes.withUnsafeBytes { stream.update($0) }
        let sha256 = stream.finalize()
        let settings = ContentServerSettings(root: folder.appendingPathComponent("root").path, port: 0,
                                             adminKey: "admin-key-for-tests", tls: tls, faults: faults)
        return try await ContentServer.serve(settings, logger: Logger(label: "server", factory: { _ in SwiftLogNoOpLogHandler() })) { server in
            try await body(LoopbackContent(server: server, folder: folder, bytes: bytes, sha256: sha256, log: RecordedLog()))
        }
    }

    /// Settings that trust this server (over plain HTTP unless told otherwise) with small backoff delays.
    func settings(servers: [TrustedContentServer]? = nil, quota: Int64? = nil) -> ContentSettings {
        ContentSettings(servers: servers ?? [TrustedContentServer(url: server.baseURL, name: "loopback", allowPlainHTTP: true)],
                        spoolDirectory: spool, spoolQuotaBytes: quota, reserveBytes: 0,
                        retry: RetryPolicy(attempts: 4, firstDelay: .milliseconds(10), maxDelay: .milliseconds(40)))
    }

    /// A client whose every log line, down to trace, is kept in `log`; shut down after `body`.
    func withClient<T>(_ settings: ContentSettings? = nil, _ body: (ContentClient) async throws -> T) async throws -> T {
        var logger = Logger(label: "content", factory: { [log] _ in RecordingLogHandler(log: log) })
        logger.logLevel = .trace
        let client = ContentClient(settings: settings ?? self.settings(), logger: logger)
        do {
            let result = try await body(client)
            await client.shutdown()
            return result
        } catch {
            await client.shutdown()
            throw error
        }
    }

    func token() async throws -> String {
        try await server.issueToken(contentId: Self.contentId).token
    }

    /// The requests for the content itself (not the selection), in order.
    func contentRequests() async -> [ServedRequest] {
        await server.servedRequests().filter { !$0.path.hasSuffix("/selection") }
    }

    func fileExists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }

    static func pseudoRandomBytes(count: Int) -> [UInt8] {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        return (0..<count).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt8(truncatingIfNeeded: state >> 56)
        }
    }
}

final class RecordedLog: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []

    func append(_ line: String) { lock.withLock { lines.append(line) } }
    var all: [String] { lock.withLock { lines } }
}

struct RecordingLogHandler: LogHandler {
    let log: RecordedLog
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        log.append("\(event.level) \(event.message) \(merged.map { "\($0)=\($1)" }.sorted().joined(separator: " "))")
    }
}
