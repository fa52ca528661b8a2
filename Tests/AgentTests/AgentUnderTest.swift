import Agent
import AsyncHTTPClient
import Board
import AgentConfig
import Endpoint
import Jobs
import Content
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOSSL
import PrinterLink
import ServiceScope
import Synchronization
import Testing
import ThreeDPProtocol
import VirtualPrinter
import ThreeDPSchemaValidation

/// The daemon as a Manager meets it: `AgentDaemon` on a free loopback port with fresh state, serving virtual
/// printers over real pseudo-terminals. `rpc` speaks raw HTTP so that tests see exactly what goes over the wire.
final class AgentUnderTest: AgentEndpoint, @unchecked Sendable {
    let stateDirectory: URL
    private let task: Task<Void, any Error>

    static func start(printers count: Int = 1, statusInterval: Duration = .milliseconds(200), clientQueue: Int = 256,
                      logs: CapturedLogs? = nil, contentServers: [TrustedContentServer] = [], spoolQuotaMegabytes: Int? = nil,
                      networkPolicy: EndpointNetworkPolicy? = nil,
                      configurePrinter: (inout VirtualPrinterConfiguration) -> Void = { _ in },
                      configureAgent: (inout AgentConfiguration) -> Void = { _ in },
                      prepareState: (URL) throws -> Void = { _ in }) async throws -> AgentUnderTest {
        var printers: [VirtualPrinter] = []
        for _ in 0..<count {
            var configuration = VirtualPrinterConfiguration()
            configuration.timeScale = 50
            configurePrinter(&configuration)
            let printer = try VirtualPrinter(configuration: configuration)
            try printer.start()
            printers.append(printer)
        }
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("3dp-agent-state-\(UUID().uuidString)")
        var configuration = AgentConfiguration.defaults(stateDirectory: state.path, hostname: "test-board")
        configuration.listen = ListenAddress(host: "127.0.0.1", port: 0)
        configuration.events.statusInterval = statusInterval
        configuration.events.clientQueue = clientQueue
        configuration.printers.autodetect = false
        configuration.printers.reconnectInterval = .milliseconds(100)
        configuration.contentServers = contentServers
        configuration.content.quotaMegabytes = spoolQuotaMegabytes
        configuration.content.reserveMegabytes = 0
        configuration.printers.entries = printers.enumerated().map { index, printer in
            PrinterEntry(id: "vp\(index + 1)", port: printer.devicePath, baud: 1_000_000)
        }
        configureAgent(&configuration)
        // What an earlier run (or a power cut) left in the state directory.
        try FileManager.default.createDirectory(at: state, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        try prepareState(state)
        var logger = logs.map { logs in Logger(label: "3dp-agent.test") { _ in logs.handler() } } ?? Logger(label: "3dp-agent.test")
        logger.logLevel = logs == nil ? .warning : .trace
        let (ports, portSink) = AsyncStream.makeStream(of: Int.self)
        var daemon = try AgentDaemon(configuration: configuration, logger: logger) { port in portSink.yield(port) }
        // A token paired before the start, so tests can watch the printers come up through callbacks at once; in the
        // database the daemon opened, which is a new one when the prepared state's could not be read.
        let harnessToken = try AccessTokenStore(database: daemon.fleet.support.store).issue(label: "harness", now: Date()).token
        if let networkPolicy { daemon.networkPolicy = networkPolicy }
        let (stop, stopSink) = AsyncStream.makeStream(of: Void.self)
        let task = Task {
            defer { portSink.finish() }
            try await daemon.run {
                for await _ in stop { return }
            }
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else {
            try await task.value
            throw AgentTestError("the agent stopped before it listened")
        }
        // With TLS on, the harness speaks https:// and trusts exactly the agent's certificate, as a pinned Manager does.
        var tlsClient: HTTPClient?
        if configuration.servesTLS, let certificate = try DeviceCertificateFiles(stateDirectory: state.path).load() {
            var tls = TLSConfiguration.makeClientConfiguration()
            tls.trustRoots = .certificates([try NIOSSLCertificate(bytes: certificate.certificateDER, format: .der)])
            tls.certificateVerification = .noHostnameVerification
            tlsClient = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup,
                                   configuration: HTTPClient.Configuration(tlsConfiguration: tls))
        }
        let agent = AgentUnderTest(printers: printers, stateDirectory: state, port: port, task: task, harnessToken: harnessToken,
                                   fleet: daemon.fleet, stopSink: stopSink, tlsClient: tlsClient)
        do {
            try await agent.waitForStatus(count: count) { $0["state"]?.stringValue == "idle" }
        } catch {
            await agent.stop()
            throw error
        }
        return agent
    }

    /// Runs `body` against a started agent and stops it afterwards, also when `body` throws: the next test never
    /// meets this one's agent (which would otherwise go on reopening its printer's pty path, which a new pty may reuse).
    static func with(printers count: Int = 1, statusInterval: Duration = .milliseconds(200), clientQueue: Int = 256,
                     logs: CapturedLogs? = nil, contentServers: [TrustedContentServer] = [], spoolQuotaMegabytes: Int? = nil,
                     networkPolicy: EndpointNetworkPolicy? = nil,
                     configurePrinter: (inout VirtualPrinterConfiguration) -> Void = { _ in },
                     configureAgent: (inout AgentConfiguration) -> Void = { _ in },
                     prepareState: (URL) throws -> Void = { _ in },
                     _ body: (AgentUnderTest) async throws -> Void) async throws {
        let agent = try await start(printers: count, statusInterval: statusInterval, clientQueue: clientQueue, logs: logs,
                                    contentServers: contentServers, spoolQuotaMegabytes: spoolQuotaMegabytes,
                                    networkPolicy: networkPolicy, configurePrinter: configurePrinter,
                                    configureAgent: configureAgent, prepareState: prepareState)
        do {
            try await body(agent)
        } catch {
            await agent.stop()
            throw error
        }
        await agent.stop()
    }

    /// The daemon's printers, for queueing jobs (print.start comes with the content issue).
    let fleet: PrinterFleet

    private let stopSink: AsyncStream<Void>.Continuation

    private init(printers: [VirtualPrinter], stateDirectory: URL, port: Int, task: Task<Void, any Error>, harnessToken: String,
                 fleet: PrinterFleet, stopSink: AsyncStream<Void>.Continuation, tlsClient: HTTPClient?) {
        self.fleet = fleet
        self.stopSink = stopSink
        self.stateDirectory = stateDirectory
        self.task = task
        super.init(printers: printers, port: port, harnessToken: harnessToken, tlsClient: tlsClient)
    }

    /// Stops the agent the way SIGTERM does (a graceful shutdown of its service group) and removes its state.
    func stop() async {
        // The harness's kept-alive TLS connections go first: the agent's graceful close of a TLS connection waits
        // for the peer's close_notify, which a pooled client connection sends only when it is shut down.
        try? await tlsClient?.shutdown()
        stopSink.yield()
        _ = try? await task.value
        for printer in printers { printer.stop() }
        try? FileManager.default.removeItem(at: stateDirectory)
    }

}

/// An agent's 3DP-1 endpoint on loopback, as a Manager reaches it: raw HTTP, so that tests see exactly what goes
/// over the wire; results checked against the schema.
class AgentEndpoint: @unchecked Sendable {
    let printers: [VirtualPrinter]
    let port: Int
    /// A token the test paired for itself before the agent started.
    let harnessToken: String
    /// For an agent with TLS on: a client that trusts its certificate; nil for plain HTTP.
    let tlsClient: HTTPClient?

    var baseURL: String { "\(tlsClient == nil ? "http" : "https")://127.0.0.1:\(port)" }
    var printer: VirtualPrinter { printers[0] }
    private var http: HTTPClient { tlsClient ?? .shared }

    init(printers: [VirtualPrinter], port: Int, harnessToken: String, tlsClient: HTTPClient? = nil) {
        self.printers = printers
        self.port = port
        self.harnessToken = harnessToken
        self.tlsClient = tlsClient
    }

    struct HTTPAnswer {
        var status: Int
        var body: [UInt8]
        var json: JSONValue? { body.isEmpty ? nil : try? JSONValue.parse(body) }
    }

    /// POSTs raw bytes to /3dp/v1/rpc.
    func post(_ body: [UInt8], token: String? = nil, path: String = "/3dp/v1/rpc", timeout: TimeAmount = .seconds(70)) async throws -> HTTPAnswer {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        request.body = .bytes(ByteBuffer(bytes: body))
        let response = try await http.execute(request, timeout: timeout)
        let collected = try await response.body.collect(upTo: 8 << 20)
        return HTTPAnswer(status: Int(response.status.code), body: Array(collected.readableBytesView))
    }

    func get(_ path: String) async throws -> HTTPAnswer {
        let request = HTTPClientRequest(url: baseURL + path)
        let response = try await http.execute(request, timeout: .seconds(10))
        let collected = try await response.body.collect(upTo: 8 << 20)
        return HTTPAnswer(status: Int(response.status.code), body: Array(collected.readableBytesView))
    }

    private let ids = Atomic(0)

    /// One request; returns the whole response object.
    func call(_ method: String, _ params: [String: JSONValue] = [:], token: String? = nil) async throws -> JSONValue {
        let id = ids.wrappingAdd(1, ordering: .relaxed).newValue
        let request = JSONRPCRequest(id: "t\(id)", method: method, params: params)
        let answer = try await post(try request.encoded(), token: token)
        guard answer.status == 200, let json = answer.json else {
            throw AgentTestError("\(method): HTTP \(answer.status) \(String(decoding: answer.body, as: UTF8.self))")
        }
        #expect(json["id"]?.stringValue == "t\(id)")
        #expect(json["dwapiversion"]?.stringValue == "1.0")
        return json
    }

    /// The result of a call that must succeed, checked against the schema.
    func result(_ method: String, _ params: [String: JSONValue] = [:], token: String? = nil,
                sourceLocation: SourceLocation = #_sourceLocation) async throws -> JSONValue {
        let response = try await call(method, params, token: token)
        guard let result = response["result"] else {
            throw AgentTestError("\(method) failed: \(response["error"].map { "\($0)" } ?? "no result")")
        }
        let failures = ThreeDPSchema.validateResult(method: method, result)
        #expect(failures.isEmpty, "\(method) result against the schema: \(failures.prefix(3))", sourceLocation: sourceLocation)
        return result
    }

    /// The error code of a call that must fail.
    func errorCode(_ method: String, _ params: [String: JSONValue] = [:], token: String? = nil) async throws -> Int? {
        let response = try await call(method, params, token: token)
        #expect(response["result"] == nil, "\(method) should have failed")
        return response["error"]?["code"]?.intValue
    }

    /// Pairs the way a person does: begin, read the code off the printer's display, complete.
    func pair(clientName: String = "tests", printerIndex: Int = 0) async throws -> String {
        _ = try await result("pairing.begin", ["clientName": .string(clientName)])
        let display = try #require(printers[printerIndex].displayMessage)
        let code = String(display.suffix(6))
        let grant = try await result("pairing.complete", ["code": .string(code), "clientName": .string(clientName)])
        return try #require(grant["accessToken"]?.stringValue)
    }

    /// Waits, by long polling, until `count` printers each sent a callback of `topic` that satisfies `condition`.
    func waitForStatus(count: Int = 1, topic: String = "printer.status", timeout: Duration = .seconds(30),
                       _ condition: @escaping (JSONValue) -> Bool) async throws {
        let subscription = try await result("events.subscribe", ["topics": .array([.string(topic)])], token: harnessToken)
        let id = try #require(subscription["subscriptionId"])
        var satisfied: Set<String> = []
        let deadline = ContinuousClock.now + timeout
        while satisfied.count < count {
            guard ContinuousClock.now < deadline else { throw AgentTestError("no \(topic) as expected within \(timeout)") }
            for callback in try await poll(id, seconds: 5) {
                guard let result = callback["result"], condition(result), let service = result["serviceId"]?.stringValue else { continue }
                satisfied.insert(service)
            }
        }
        _ = try await result("events.unsubscribe", ["subscriptionId": id], token: harnessToken)
    }

    /// One `events.poll`; an empty list when it timed out with 204.
    func poll(_ subscriptionId: JSONValue, seconds: Int, token: String? = nil) async throws -> [JSONValue] {
        let request = JSONRPCRequest(id: "poll", method: "events.poll",
                                     params: ["subscriptionId": subscriptionId, "timeoutSeconds": .integer(Int64(seconds))])
        let answer = try await post(try request.encoded(), token: token ?? harnessToken)
        if answer.status == 204 { return [] }
        guard answer.status == 200, let callbacks = answer.json?["result"]?["callbacks"]?.arrayValue else {
            throw AgentTestError("events.poll: HTTP \(answer.status) \(String(decoding: answer.body, as: UTF8.self))")
        }
        for callback in callbacks {
            let topic = callback["callbackId"]?.stringValue ?? ""
            let failures = ThreeDPSchema.validateMessage("callback", callback)
                + ThreeDPSchema.validateCallback(topic: topic, callback["result"] ?? .null)
            #expect(failures.isEmpty, "\(topic) callback against the schema: \(failures.prefix(3))")
        }
        return callbacks
    }
}

struct AgentTestError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Every log line the agent writes, at every level, for tests of what must never be logged.
final class CapturedLogs: Sendable {
    private let lines = Mutex<[String]>([])

    var all: [String] { lines.withLock { $0 } }

    func handler() -> some LogHandler { Handler(logs: self) }

    fileprivate func append(_ line: String) { lines.withLock { $0.append(line) } }

    private struct Handler: LogHandler {
        let logs: CapturedLogs
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let merged = metadata.merging(event.metadata ?? [:]) { $1 }
            logs.append("\(event.level) \(event.message) \(merged)")
        }
    }
}
