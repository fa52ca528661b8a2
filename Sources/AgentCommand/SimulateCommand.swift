import ArgumentParser
import AgentConfig
import Dispatch
import Foundation
import Glibc
import VirtualPrinter

/// `3dp-agent simulate`: a virtual Marlin printer on a pseudo-terminal, for the demo, tests and benchmarks.
struct SimulateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Run a simulated Marlin printer on a pseudo-terminal and print its device path.",
        discussion: """
            The first line on standard output is the pseudo-terminal to open (a parent process can read it); the \
            printer runs until SIGINT or SIGTERM, then prints its counters on standard error.
            """
    )

    @Option(name: .customLong("buffer"), help: "Command queue slots (Marlin's BUFSIZE).")
    var commandBufferSize = 4

    @Option(name: .customLong("rx-buffer"), help: "Serial receive buffer in bytes; bytes beyond it are lost.")
    var receiveBufferSize = 128

    @Flag(name: .customLong("advanced-ok"), help: "Answer 'ok N<line> P<planner> B<buffer>' (ADVANCED_OK).")
    var advancedOK = false

    @Option(name: .customLong("baud"), help: "Emulate a link of this many baud (8N1); unthrottled when omitted.")
    var baudRate: Int?

    @Option(name: .customLong("error-rate"), help: "Fraction of lines corrupted, in both directions.")
    var errorRate: Double?

    @Option(name: .customLong("host-error-rate"), help: "Fraction of host lines corrupted (overrides --error-rate).")
    var hostErrorRate: Double?

    @Option(name: .customLong("printer-error-rate"),
            help: "Fraction of printer lines corrupted (overrides --error-rate).")
    var printerErrorRate: Double?

    @Option(help: "Seed of the error injection.")
    var seed: UInt64 = 1

    @Option(name: .customLong("time-scale"), help: "How much faster than real time heaters, dwells and homing run.")
    var timeScale = 1.0

    @Option(name: .customLong("move-time-scale"),
            help: "Simulate move durations, this many times faster than real; moves are instant when omitted.")
    var moveTimeScale: Double?

    @Flag(name: .customLong("no-resend-ok"), help: "Send no 'ok' after 'Resend:' (some firmwares).")
    var noOKAfterResend = false

    @Flag(name: .customLong("no-reset-on-open"), help: "Behave like a native-USB board: no reset when the port opens.")
    var noResetOnOpen = false

    @Flag(name: .customLong("no-emergency-parser"), help: "Build without EMERGENCY_PARSER.")
    var noEmergencyParser = false

    @Flag(name: .customLong("no-autoreport"), help: "Build without AUTO_REPORT_TEMPERATURES (no M155).")
    var noAutoreport = false

    @Option(name: .customLong("hotends"), help: "Number of hotends.")
    var hotendCount = 1

    @Option(name: .customLong("volume"), help: "Build volume in mm as XxYxZ, e.g. 220x220x250.")
    var buildVolume = "220x220x250"

    @Option(name: .customLong("machine"), help: "MACHINE_TYPE reported by M115.")
    var machineType = "Virtual Marlin"

    @Option(name: .customLong("uuid"), help: "UUID reported by M115.")
    var uuid: String?

    @Option(name: .customLong("log"), help: "Append every executed command to this file.")
    var logFile: String?

    @Option(name: .customLong("link"), help: "Also create this symbolic link to the pseudo-terminal.")
    var link: String?

    func validate() throws {
        guard commandBufferSize >= 1 else { throw ValidationError("--buffer must be at least 1") }
        guard receiveBufferSize >= 1 else { throw ValidationError("--rx-buffer must be at least 1") }
        guard timeScale > 0 else { throw ValidationError("--time-scale must be positive") }
        guard hotendCount >= 1 else { throw ValidationError("--hotends must be at least 1") }
        if let baudRate, baudRate <= 0 { throw ValidationError("--baud must be positive") }
        if let moveTimeScale, moveTimeScale <= 0 { throw ValidationError("--move-time-scale must be positive") }
        for rate in [errorRate, hostErrorRate, printerErrorRate].compactMap({ $0 }) where !(0...1).contains(rate) {
            throw ValidationError("error rates are fractions between 0 and 1")
        }
        _ = try parsedVolume()
    }

    private func parsedVolume() throws -> VirtualPrinterConfiguration.BuildVolume {
        let sides = buildVolume.lowercased().split(separator: "x").compactMap { Double($0) }
        guard sides.count == 3, sides.allSatisfy({ $0 > 0 }) else {
            throw ValidationError("--volume must be three positive sizes, e.g. 220x220x250")
        }
        return .init(x: sides[0], y: sides[1], z: sides[2])
    }

    func printerConfiguration() throws -> VirtualPrinterConfiguration {
        var configuration = VirtualPrinterConfiguration(
            commandBufferSize: commandBufferSize,
            receiveBufferSize: receiveBufferSize,
            advancedOK: advancedOK,
            baudRate: baudRate,
            okAfterResend: !noOKAfterResend,
            emergencyParser: !noEmergencyParser,
            autoreportTemperature: !noAutoreport,
            resetOnOpen: !noResetOnOpen,
            timeScale: timeScale,
            moveTimeScale: moveTimeScale,
            hotendCount: hotendCount,
            buildVolume: try parsedVolume(),
            machineType: machineType,
            errorRate: .init(hostToPrinter: hostErrorRate ?? errorRate ?? 0,
                             printerToHost: printerErrorRate ?? errorRate ?? 0),
            seed: seed,
            logFile: logFile,
            byIdLink: link,
            // A simulator left running for hours must not grow with every line; the log file keeps the record.
            recordsCommands: false
        )
        if let uuid { configuration.uuid = uuid }
        return configuration
    }

    func run() async throws {
        let printer = try VirtualPrinter(configuration: try printerConfiguration())
        try printer.start()
        FileHandle.standardOutput.write(Data((printer.devicePath + "\n").utf8))
        if let link = printer.linkPath {
            FileHandle.standardError.write(Data("link: \(link) -> \(printer.devicePath)\n".utf8))
        }
        let signalName = await Self.waitForTermination()
        printer.stop()
        FileHandle.standardError.write(Data("stopped by \(signalName)\n\(printer.stats)\n".utf8))
    }

    /// Suspends until SIGINT or SIGTERM arrives, without polling: the signals are blocked from their default action
    /// and delivered to dispatch sources, which live as long as the wait.
    private static func waitForTermination() async -> String {
        let (arrived, arrival) = AsyncStream.makeStream(of: String.self)
        let queue = DispatchQueue(label: "simulate.signals")
        let sources = [(SIGINT, "SIGINT"), (SIGTERM, "SIGTERM")].map { number, name in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { arrival.yield(name) }
            source.resume()
            return source
        }
        defer { sources.forEach { $0.cancel() } }
        for await name in arrived { return name }
        return "cancellation" // the stream ends only when the task is cancelled
    }
}
