import Agent
import ArgumentParser
import CommandSupport
import Dispatch
import Foundation
import GCode
import Logging
import PrinterLink

/// `3dp-agent print --port PATH FILE`: prints one G-code file over a serial port.
struct PrintCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "print",
        abstract: "Print a G-code file on a printer attached by USB serial.",
        discussion: """
            The file is checked first: a line longer than the firmware accepts stops the print before the printer \
            is touched. Ctrl-C pauses (on a terminal; press Enter to resume, Ctrl-C again to cancel) or cancels; \
            a cancel runs the cancel script, which switches every heater off. Exit status: 0 when the printer \
            confirmed every line, 1 when the job failed, 2 when it was interrupted (unplugged, controller reset), \
            3 when it was cancelled.
            """
    )

    @Option(name: .long, help: "The printer's serial port, e.g. /dev/ttyACM0 or /dev/serial/by-id/….")
    var port: String

    @Option(name: .long, help: "Baud rate (250000, 500000 and 1000000 work too).")
    var baud = 115_200

    @Argument(help: "The G-code file to print.")
    var file: String

    @Flag(name: .long, help: "Pulse DTR before connecting, which resets Arduino-style controllers.")
    var reset = false

    @Option(name: .long, help: "Most lines in flight (Marlin's BUFSIZE, 4); 1 waits for every ok (ping-pong).")
    var window = 4

    @Option(name: .customLong("rx-buffer"), help: "The firmware's serial receive buffer in bytes (Marlin: 128).")
    var receiveBuffer = 128

    @Option(name: .customLong("max-line"), help: "Longest line the firmware accepts, newline included (Marlin: 96).")
    var maxLine = 96

    @Option(name: .customLong("ack-timeout"), help: "Seconds of silence after which a lost 'ok' is assumed.")
    var ackTimeout = 3.0

    @Flag(name: .customLong("resend-without-ok"), help: "The firmware sends no 'ok' after 'Resend:'.")
    var resendWithoutOk = false

    @Option(name: .customLong("cancel-timeout"),
            help: "Seconds a cancel may go without a confirmed line before it escalates (M110 and heaters off, M108, M112).")
    var cancelTimeout = 5.0

    @Option(name: .customLong("cancel-gcode"), parsing: .singleValue,
            help: "A line of the cancel script (repeat the option; default: heaters and fan off, motors off).")
    var cancelScript: [String] = []

    @Option(name: .customLong("pause-gcode"), parsing: .singleValue, help: "A line of the pause script.")
    var pauseScript: [String] = []

    @Option(name: .customLong("resume-gcode"), parsing: .singleValue, help: "A line of the resume script.")
    var resumeScript: [String] = []

    @Flag(name: .shortAndLong, help: "Log every line sent and received.")
    var verbose = false

    var settings: LinkSettings {
        var settings = LinkSettings()
        settings.maxLinesInFlight = max(1, window)
        if window == 1 { settings.maxLinesInFlightCeiling = 1 }
        settings.receiveBufferBytes = max(1, receiveBuffer - 1)
        settings.maxLineLength = maxLine
        settings.ackTimeout = .seconds(ackTimeout)
        settings.resendWithoutOk = resendWithoutOk
        settings.cancelTimeout = .seconds(max(0.1, cancelTimeout))
        if !cancelScript.isEmpty { settings.cancelScript = cancelScript }
        settings.pauseScript = pauseScript
        settings.resumeScript = resumeScript
        return settings
    }

    func run() async throws {
        CommandLogging.setUp(level: verbose ? .trace : .warning)
        let session: PrintSession
        do {
            session = try PrintSession(file: file, port: port, baudRate: baud, settings: settings, resetController: reset)
        } catch {
            FileHandle.standardError.write(Data("3dp-agent print: \(error)\n".utf8))
            throw ExitCode(1)
        }
        let display = ProgressDisplay(file: file, summary: session.summary, interactive: isatty(STDOUT_FILENO) == 1)
        let controls = PrintControls(session: session, display: display, interactive: isatty(STDIN_FILENO) == 1)
        controls.install()
        defer { controls.uninstall() }

        let result: PrintResult
        do {
            result = try await session.run { event in display.handle(event) }
        } catch {
            display.finishLine()
            FileHandle.standardError.write(Data("3dp-agent print: \(error)\n".utf8))
            throw ExitCode(1)
        }
        display.summarise(result)
        switch result.outcome {
        case .completed: return
        case .failed: throw ExitCode(1)
        case .interrupted: throw ExitCode(2)
        case .cancelled: throw ExitCode(3)
        }
    }
}
