import ArgumentParser
import CommandSupport
import Endpoint
import Foundation
import Glibc
import ManagerClient
import ThreeDPProtocol

/// `3dp-agent bench events-clients` (hidden): the subscribers of `bench events`, in a process of their own so
/// that their CPU is not counted as the agent's. Opens `--clients` WebSockets, authenticates each with the token
/// from the environment, subscribes to `printer.status`, and once every one is subscribed measures for
/// `--seconds`: for each callback stamped inside the window, its receipt time minus its `reportedAt`.
///
/// Standard output, for the parent: `measuring` when the window opens, `window-end` when it closes, then one
/// JSON line (`SubscriberReport`).
struct BenchEventsClientsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events-clients",
        abstract: "The WebSocket subscribers of bench events (started by it).",
        shouldDisplay: false
    )

    /// The access token travels in the environment: argv is readable by every user of the board.
    static let tokenVariable = "THREEDP_AGENT_BENCH_TOKEN"
    static let measuringLine = "measuring"
    static let windowEndLine = "window-end"

    @Option(help: "The agent's port on 127.0.0.1.")
    var port: Int

    @Option(help: "WebSocket subscribers.")
    var clients = 100

    @Option(help: "Seconds to measure once every subscriber is subscribed.")
    var seconds = 20.0

    func validate() throws {
        guard clients >= 1 else { throw ValidationError("--clients must be at least 1") }
        guard seconds > 0 else { throw ValidationError("--seconds must be positive") }
    }

    func run() async throws {
        CommandLogging.setUp(level: .critical)
        guard let token = ProcessInfo.processInfo.environment[Self.tokenVariable], !token.isEmpty else {
            throw ValidationError("no access token in \(Self.tokenVariable)")
        }
        Self.startWatchdog(after: seconds + 60)
        let gate = WindowGate(clients: clients, seconds: seconds)
        let url = AgentURL(host: "127.0.0.1", port: port)
        let (latencies, failed) = try await AgentSession.with(url: url, accessToken: token) { session in
            await withTaskGroup(of: Result<[Int64], any Error>.self) { group in
                for _ in 0..<clients {
                    group.addTask {
                        do {
                            return .success(try await Self.subscribe(session: session, token: token, gate: gate))
                        } catch {
                            // A client that never got as far as the window must not hold the others at the gate.
                            await gate.withdraw()
                            return .failure(error)
                        }
                    }
                }
                var latencies: [Int64] = []
                var failed: [String] = []
                for await outcome in group {
                    switch outcome {
                    case .success(let measured): latencies.append(contentsOf: measured)
                    case .failure(let error): failed.append("\(error)")
                    }
                }
                return (latencies, failed)
            }
        }
        let window = await gate.closedWindow()
        let report = SubscriberReport.summarise(
            latencies: latencies, clients: clients, failedClients: failed.count, seconds: seconds,
            clientsCPUPercent: window.map { Double($0.cpuAtEnd - $0.cpuAtStart) / Double($0.end - $0.start) * 100 } ?? 0,
            failure: failed.first)
        let line = try JSONEncoder().encode(report)
        FileHandle.standardOutput.write(line + Data("\n".utf8))
    }

    /// One subscriber: the latencies of the `printer.status` callbacks stamped inside the window.
    private static func subscribe(session: AgentSession, token: String, gate: WindowGate) async throws -> [Int64] {
        try await session.withWebSocket { socket in
            try await socket.authenticate(accessToken: token)
            _ = try await socket.subscribe(topics: [.printerStatus])
            let window = await gate.arrive()
            var measured: [Int64] = []
            measured.reserveCapacity(Int(Double(window.end - window.start) / 1e9 * 20))
            while let callback = try await socket.nextCallback() {
                let received = WallClock.nanoseconds()
                guard callback.topic == CallbackTopic.printerStatus.rawValue,
                      let stamp = callback.result?["reportedAt"]?.stringValue,
                      let reported = CallbackInstant.nanosecondsSinceEpoch(stamp)
                else { continue }
                // The latest status sent on subscribing, and any backlog from the wait at the gate, predate it.
                if reported < window.start { continue }
                if reported >= window.end { break }
                measured.append(received - reported)
            }
            return measured
        }
    }

    /// An agent that stops sending would leave the subscribers waiting for ever; the parent is waiting for a line.
    private static func startWatchdog(after seconds: Double) {
        Thread.detachNewThread {
            Thread.sleep(forTimeInterval: seconds)
            FileHandle.standardError.write(Data("bench events-clients: no end after \(Int(seconds)) s, giving up\n".utf8))
            Glibc.exit(2)
        }
    }
}

/// Holds every subscriber until all are subscribed, then opens the measuring window for all at once and tells
/// the parent when it opens and closes.
actor WindowGate {
    struct Window: Sendable {
        var start: Int64
        var end: Int64
        var cpuAtStart: Int64
        var cpuAtEnd: Int64
    }

    private var waiting: Int
    private let seconds: Double
    private var waiters: [CheckedContinuation<Window, Never>] = []
    private var window: Window?
    private var closing: Task<Void, Never>?

    init(clients: Int, seconds: Double) {
        self.waiting = clients
        self.seconds = seconds
    }

    func arrive() async -> Window {
        if let window { return window }
        waiting -= 1
        if waiting > 0 {
            return await withCheckedContinuation { waiters.append($0) }
        }
        return open()
    }

    func withdraw() {
        guard window == nil else { return }
        waiting -= 1
        if waiting == 0, !waiters.isEmpty { _ = open() }
    }

    private func open() -> Window {
        let start = WallClock.nanoseconds()
        let opened = Window(start: start, end: start + Int64(seconds * 1e9), cpuAtStart: ProcessCPU.nanoseconds(),
                            cpuAtEnd: 0)
        window = opened
        Self.announce(BenchEventsClientsCommand.measuringLine)
        for waiter in waiters { waiter.resume(returning: opened) }
        waiters = []
        closing = Task { await closeWhenDue() }
        return opened
    }

    /// The window once it has closed (nil when it never opened).
    func closedWindow() async -> Window? {
        await closing?.value
        return window
    }

    private func closeWhenDue() async {
        guard let window else { return }
        let remaining = window.end - WallClock.nanoseconds()
        if remaining > 0 { try? await Task.sleep(for: .nanoseconds(remaining)) }
        self.window?.cpuAtEnd = ProcessCPU.nanoseconds()
        Self.announce(BenchEventsClientsCommand.windowEndLine)
    }

    private static func announce(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }
}
