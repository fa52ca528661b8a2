import Agent
import ArgumentParser
import Board
import CommandSupport
import AgentConfig
import ContentServer
import Endpoint
import Content
import Foundation
import ServiceScope
import Slicing
import Logging
import ManagerClient
import VirtualPrinter

/// `3dp-agent demo`: the seed's print flow (DWAPI-3DP 7.2.5–7.2.6) on this machine, no hardware needed. It starts
/// a virtual Marlin printer on a pseudo-terminal, the reference content server with a sample part, and the agent,
/// all on loopback with temporary state; then plays the Manager: discovery, pairing with the code read off the
/// printer's display, printer info, a subscription, `print.start` with a fresh content token, live progress
/// until the print completes, and a summary. Everything it started is stopped and removed before it returns.
public struct DemoCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Play a Manager against a real agent, a content server and a virtual printer, end to end."
    )

    @Option(help: "Curved segments in the sample part.")
    var segments = 6_000

    @Option(help: "Baud rate the virtual printer's link emulates.")
    var baud = 250_000

    @Option(name: .customLong("time-scale"), help: "How much faster than real time the heaters and homing run.")
    var timeScale = 20.0

    @Option(help: "A 3D model (STL, 3MF, OBJ) to serve instead of the sample: the agent slices it with the slicer installed here.")
    var model: String?

    @Flag(help: "Serve the sample G-code even when a slicer is installed (by default the demo then serves a small 3D model, which the agent slices).")
    var gcode = false

    public init() {}

    public func run() async throws {
        CommandLogging.setUp(level: .warning)
        let started = ContinuousClock.now
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("3dp-agent-demo-\(getpid())")
        let contents = folder.appendingPathComponent("contents")
        try FileManager.default.createDirectory(at: contents, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var selected = DemoManager.contentId
        let size: Int
        if let model {
            selected = URL(fileURLWithPath: model).lastPathComponent
            guard ModelFormat(fileName: selected) != nil else { throw ValidationError("--model takes an .stl, .3mf or .obj file") }
            let slicer = try await SlicerDiscovery.find(.automatic)
            try FileManager.default.copyItem(atPath: model, toPath: contents.appendingPathComponent(selected).path)
            size = (try FileManager.default.attributesOfItem(atPath: model)[.size] as? Int) ?? 0
            Console.line("slicer     \(slicer)")
        } else if !gcode, let slicer = try? await SlicerDiscovery.find(.automatic) {
            // A slicer on this machine: the seed flow's last step, slicing on the board, is part of the demo.
            selected = SampleModel.fileName
            let block = SampleModel.stl()
            try block.write(to: contents.appendingPathComponent(selected), atomically: true, encoding: .utf8)
            size = block.utf8.count
            Console.line("slicer     \(slicer)")
        } else {
            let part = SamplePart.gcode(segments: segments)
            try part.write(to: contents.appendingPathComponent(DemoManager.contentId), atomically: true, encoding: .utf8)
            size = part.utf8.count
        }

        var printerConfiguration = VirtualPrinterConfiguration()
        printerConfiguration.baudRate = baud
        printerConfiguration.timeScale = timeScale
        printerConfiguration.machineType = "Virtual i3"
        let printer = try VirtualPrinter(configuration: printerConfiguration)
        try printer.start()
        defer { printer.stop() }
        Console.line("printer    virtual Marlin on \(printer.devicePath) (\(baud) baud emulated, heaters \(Int(timeScale))× fast)")

        var quiet = Logger(label: "3dp-demo")
        quiet.logLevel = .critical
        let settings = ContentServerSettings(root: contents.path, port: 0, adminKey: DemoManager.randomKey())
        let selectedContent = selected
        let summary = try await ContentServer.serve(settings, logger: quiet) { server in
            Console.line("content    reference content server at \(server.baseURL), serving \(selectedContent) (\(size) bytes)")
            return try await Self.withAgent(printer: printer, state: folder.appendingPathComponent("state"),
                                            contentServer: server.baseURL) { port in
                Console.line("agent      3DP-1 endpoint at http://127.0.0.1:\(port)/3dp/v1, state in a temporary directory")
                var manager = DemoManager(agentPort: port, printer: printer, content: server,
                                          interactive: isatty(STDOUT_FILENO) == 1)
                manager.selected = selectedContent
                return try await manager.play()
            }
        }
        Console.line(summary.lines(total: ContinuousClock.now - started).joined(separator: "\n"))
        if summary.state != "completed" { throw ExitCode(1) }
    }

    /// Runs the agent, as `3dp-agent run` would with this configuration, for as long as `body` runs; then stops
    /// it the way SIGTERM does and waits until it has.
    static func withAgent<Result: Sendable>(printer: VirtualPrinter, state: URL, contentServer: String,
                                            _ body: @escaping @Sendable (Int) async throws -> Result) async throws -> Result {
        var configuration = AgentConfiguration.defaults(stateDirectory: state.path, hostname: "demo-board")
        configuration.name = "3dp-agent demo"
        configuration.listen = ListenAddress(host: "127.0.0.1", port: 0)
        configuration.printers.autodetect = false
        configuration.printers.entries = [PrinterEntry(id: "demo-printer", port: printer.devicePath, baud: printer.configuration.baudRate ?? 250_000)]
        configuration.contentServers = [TrustedContentServer(url: contentServer, name: "demo content server", allowPlainHTTP: true)]
        configuration.events.statusInterval = .milliseconds(500)
        var logger = Logger(label: "3dp-agent")
        logger.logLevel = .warning
        return try await AgentDaemon(configuration: configuration, logger: logger).withRunning(body)
    }
}
