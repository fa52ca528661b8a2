import Agent
import ArgumentParser
import Board
import CommandSupport
import AgentConfig
import Endpoint
import Foundation
import Jobs
import Logging
import PrinterLink
import ServiceScope

/// `3dp-agent bench events`: the agent (daemon, endpoint, serial driver) runs in this process and prints a long
/// job on a virtual printer in a child process; a second child holds the WebSocket subscribers. Reports the
/// latency of `printer.status` callbacks (receipt minus `reportedAt`, the same machine's clock) and this
/// process's CPU over the subscribers' window, next to its CPU over an equal window of printing without them.
struct BenchEventsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events",
        abstract: "Callback latency and agent CPU with WebSocket subscribers during a print."
    )

    /// The 3DP-1 targets of issue 3.
    static let p99TargetMilliseconds = 10.0
    static let cpuTargetPercent = 10.0
    static let serviceId = "bench"
    static let baud = 115_200

    @Option(help: "WebSocket subscribers of printer.status.")
    var clients = 100

    @Option(help: "Seconds of each measuring window (with subscribers, and the baseline without).")
    var seconds = 20.0

    @Option(name: .customLong("status-interval-ms"), help: "The agent's status callback interval while printing.")
    var statusIntervalMilliseconds = 100

    @Flag(help: "One JSON object instead of text.")
    var json = false

    struct Result: Codable {
        var clients: Int
        var seconds: Double
        var statusIntervalMilliseconds: Int
        var subscribers: SubscriberReport
        var agentCPUPercent: Double
        var baselineCPUPercent: Double
        var p99TargetMet: Bool
        var cpuTargetMet: Bool
    }

    func validate() throws {
        guard clients >= 1 else { throw ValidationError("--clients must be at least 1") }
        guard seconds >= 1 else { throw ValidationError("--seconds must be at least 1") }
        guard statusIntervalMilliseconds >= 10 else { throw ValidationError("--status-interval-ms must be at least 10") }
    }

    func run() async throws {
        CommandLogging.setUp(level: .warning)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("3dp-agent-bench-events-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }

        // The job must outlast both windows, the start and the subscribers' connecting: at 115200 baud the dense
        // lines go at about 320 a second, so 500 a second of planned time leaves a wide margin.
        let file = try DenseGCode.write(lines: Int((2 * seconds + 60) * 500), to: folder.appendingPathComponent("job.gcode").path)
        let result = try await SimulatorProcess.with(arguments: ["--baud", "\(Self.baud)", "--time-scale", "50"]) { simulator in
            let stateDirectory = folder.appendingPathComponent("state", isDirectory: true)
            try FileManager.default.createDirectory(at: stateDirectory, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
            let token = try AccessTokenStore(directory: stateDirectory).issue(label: "bench events", now: Date()).token

            var configuration = AgentConfiguration.defaults(stateDirectory: stateDirectory.path, hostname: "bench")
            configuration.listen = ListenAddress(host: "127.0.0.1", port: 0)
            configuration.events.statusInterval = .milliseconds(statusIntervalMilliseconds)
            configuration.printers.autodetect = false
            configuration.printers.entries = [PrinterEntry(id: Self.serviceId, port: simulator.devicePath, baud: Self.baud)]
            // Every subscriber comes from 127.0.0.1: room for all of them under the per-address cap.
            configuration.endpointAccess.maxConnectionsPerAddress = clients + 16
            configuration.endpointAccess.maxConnections = max(configuration.endpointAccess.maxConnections, clients + 64)

            let daemon = try AgentDaemon(configuration: configuration, logger: Logger(label: "3dp-agent"))
            return try await daemon.withRunning { port in
                try await measure(daemon: daemon, port: port, job: file, token: token)
            }
        }
        report(result)
    }

    private func measure(daemon: AgentDaemon, port: Int, job: String, token: String) async throws -> Result {
        guard let service = daemon.fleet.service(Self.serviceId) else {
            throw ValidationError("the agent does not serve the printer \(Self.serviceId)")
        }
        _ = try await service.enqueue(gcodeFile: job, name: "bench events")
        try await waitUntilPrinting(service, within: .seconds(60))
        // The first seconds of a job fill buffers and announce its start; the windows measure the steady print.
        try await Task.sleep(for: .seconds(1))

        let baselineStart = (cpu: ProcessCPU.nanoseconds(), wall: WallClock.nanoseconds())
        try await Task.sleep(for: .seconds(seconds))
        let baseline = percent(cpu: ProcessCPU.nanoseconds() - baselineStart.cpu,
                               wall: WallClock.nanoseconds() - baselineStart.wall)
        try await expectPrinting(service, during: "the baseline window")

        let (subscriberReport, agentCPU, errors, exit) = try await SubscribersProcess.with(
            port: port, clients: clients, seconds: seconds, token: token
        ) { subscribers in
            var windowStart: (cpu: Int64, wall: Int64)?
            var agentCPU: Double?
            var subscriberReport: SubscriberReport?
            while let line = await subscribers.standardOutput.next() {
                switch line {
                case BenchEventsClientsCommand.measuringLine:
                    windowStart = (ProcessCPU.nanoseconds(), WallClock.nanoseconds())
                case BenchEventsClientsCommand.windowEndLine:
                    if let start = windowStart {
                        agentCPU = percent(cpu: ProcessCPU.nanoseconds() - start.cpu, wall: WallClock.nanoseconds() - start.wall)
                    }
                    try await expectPrinting(service, during: "the subscribers' window")
                default:
                    subscriberReport = try? JSONDecoder().decode(SubscriberReport.self, from: Data(line.utf8))
                }
            }
            let exit = await subscribers.exit
            return (subscriberReport, agentCPU, subscribers.standardError.text, exit)
        }
        guard let subscriberReport, let agentCPU else {
            throw ValidationError("the subscribers did not report (exit \(exit)): \(errors)")
        }
        return Result(
            clients: clients, seconds: seconds, statusIntervalMilliseconds: statusIntervalMilliseconds,
            subscribers: subscriberReport, agentCPUPercent: agentCPU, baselineCPUPercent: baseline,
            p99TargetMet: subscriberReport.failedClients == 0 && subscriberReport.p99Milliseconds < Self.p99TargetMilliseconds,
            cpuTargetMet: agentCPU < Self.cpuTargetPercent)
    }

    /// A bench may poll: the state is an actor's property and nothing else announces it to this code.
    private func waitUntilPrinting(_ service: PrinterService, within limit: Duration) async throws {
        let deadline = ContinuousClock.now + limit
        while await service.currentState != .printing {
            guard ContinuousClock.now < deadline else {
                throw ValidationError("the job did not start printing within \(limit): \(await service.currentState)")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    private func expectPrinting(_ service: PrinterService, during window: String) async throws {
        let state = await service.currentState
        guard state == .printing else {
            throw ValidationError("the printer was no longer printing at the end of \(window) (\(state)): the numbers would not be a print's")
        }
    }

    private func percent(cpu: Int64, wall: Int64) -> Double {
        wall > 0 ? Double(cpu) / Double(wall) * 100 : 0
    }

    private func report(_ result: Result) {
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            if let data = try? encoder.encode(result) { Console.line(String(decoding: data, as: UTF8.self)) }
            return
        }
        let subscribers = result.subscribers
        func ms(_ value: Double) -> String { String(format: "%.2f ms", value) }
        func pct(_ value: Double) -> String { String(format: "%.1f%%", value) }
        Console.line("bench events: \(result.clients) WebSocket subscribers of printer.status every "
            + "\(result.statusIntervalMilliseconds) ms, during a print at \(Self.baud) baud, \(Int(result.seconds)) s windows")
        Console.line("  callbacks: \(subscribers.callbacks) (\(Int(subscribers.callbacksPerSecond.rounded()))/s), "
            + "latency p50 \(ms(subscribers.p50Milliseconds)), p99 \(ms(subscribers.p99Milliseconds)), "
            + "max \(ms(subscribers.maxMilliseconds))")
        if subscribers.failedClients > 0 {
            Console.line("  \(subscribers.failedClients) subscribers failed: \(subscribers.failure ?? "")")
        }
        Console.line("  agent CPU: \(pct(result.agentCPUPercent)) of one core (printing without subscribers: "
            + "\(pct(result.baselineCPUPercent))); the subscribers' process: \(pct(subscribers.clientsCPUPercent))")
        Console.line("  targets: p99 < \(Int(Self.p99TargetMilliseconds)) ms \(result.p99TargetMet ? "met" : "MISSED"), "
            + "agent CPU < \(Int(Self.cpuTargetPercent))% \(result.cpuTargetMet ? "met" : "MISSED")")
    }
}
