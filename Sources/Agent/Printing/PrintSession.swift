import GCode
import GCodeFiles
import Logging
import PrinterLink

/// How a print ended, with what the printer confirmed: the command line's exit status and summary.
public struct PrintResult: Sendable, Equatable {
    public var outcome: JobOutcome
    public var progress: JobProgress?
    public var counters: LinkCounters
    public var seconds: Double

    /// True only when every line was confirmed.
    public var succeeded: Bool { outcome == .completed }
}

public enum PrintSessionError: Error, CustomStringConvertible {
    case printerDidNotConnect(String)
    case file(GCodeFileError)

    public var description: String {
        switch self {
        case .printerDidNotConnect(let reason): return "the printer did not connect: \(reason)"
        case .file(let error): return error.description
        }
    }
}

/// One print from a file on a printer's serial port: the file is checked first (a line too long for the
/// firmware stops it before the printer moves), then the port opens, the host says hello, and the job
/// streams until the printer confirmed every line or the job ended another way.
public final class PrintSession: Sendable {
    public let file: String
    public let summary: GCodeFileSummary
    public let connection: PrinterConnection
    private let logger: Logger

    /// Checks the file and opens the port; nothing is sent yet.
    public init(file: String, port path: String, baudRate: Int, settings: LinkSettings = LinkSettings(),
                resetController: Bool = false, logger: Logger = Logger(label: "3dp-agent.print")) throws {
        do {
            summary = try GCodeFileReader.validate(path: file, maxLineLength: settings.maxLineLength)
        } catch let error as GCodeFileError {
            throw PrintSessionError.file(error)
        }
        self.file = file
        self.logger = logger
        let port = try SerialPort.open(path: path, baudRate: baudRate)
        var settings = settings
        settings.lineBytesPerSecond = Double(baudRate) / 10
        if resetController { _ = try? port.pulseDTR() }
        connection = PrinterConnection(port: port, settings: settings, logger: logger)
    }

    public func pause() { connection.pause() }
    public func resume() { connection.resume() }
    public func cancel() { connection.cancel() }
    public func snapshot() -> LinkSnapshot { connection.snapshot() }

    /// Connects, prints, and returns when the job is over; `observe` sees every link event on the way.
    public func run(observe: @Sendable (LinkEvent) -> Void = { _ in }) async throws -> PrintResult {
        let started = MonotonicClock.now()
        connection.start()
        defer { connection.close() }
        var jobStarted = false
        // The job's own time, from its first line: connecting (a controller's boot, the hello) is not printing.
        var jobStartedAt: UInt64?
        for await event in connection.events {
            observe(event)
            switch event {
            case .stateChanged(.ready) where !jobStarted:
                jobStarted = true
                jobStartedAt = MonotonicClock.now()
                let reader = try GCodeFileReader(path: file)
                try connection.startJob(reader, totalCommands: summary.commandCount)
            case .stateChanged(.disconnected(let reason)) where !jobStarted:
                throw PrintSessionError.printerDidNotConnect(reason)
            case .stateChanged(.halted(let reason)) where !jobStarted:
                throw PrintSessionError.printerDidNotConnect("the printer is halted: \(reason)")
            case .jobFinished(let outcome, let progress):
                let seconds = Double(MonotonicClock.now() - (jobStartedAt ?? started)) / 1e9
                return PrintResult(outcome: outcome, progress: progress, counters: connection.snapshot().counters,
                                   seconds: seconds)
            default:
                break
            }
        }
        let state = connection.snapshot().state
        throw PrintSessionError.printerDidNotConnect(state.description)
    }
}
