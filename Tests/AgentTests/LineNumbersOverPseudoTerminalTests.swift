import Agent
import Foundation
import GCode
import PrinterLink
import Synchronization
import Testing
import VirtualPrinter

/// The host owns the line numbers, and a cancel always ends with the heaters off: a stray M110 in a file, a cancel
/// while the firmware waits for heat, over real pseudo-terminals against the simulated Marlin.
@Suite(.serialized, .timeLimit(.minutes(2)))
struct LineNumbersOverPseudoTerminalTests {
    static func printer(timeScale: Double = 50) throws -> VirtualPrinter {
        var configuration = VirtualPrinterConfiguration()
        configuration.timeScale = timeScale
        let printer = try VirtualPrinter(configuration: configuration)
        try printer.start()
        return printer
    }

    static func session(_ text: String, on printer: VirtualPrinter, settings: LinkSettings = LinkSettings()) throws -> (PrintSession, GCodeFixtures) {
        let fixtures = try GCodeFixtures()
        let file = try fixtures.write(text, name: "job.gcode")
        return (try PrintSession(file: file, port: printer.devicePath, baudRate: 1_000_000, settings: settings), fixtures)
    }

    @Test(arguments: [
        ("M104 S200\nM140 S60\nM110 N100\nG1 X10\nG1 X11\n", ["G1 X10", "G1 X11"]),
        ("G28\nM110 N100\nG1 X3\nG1 X4\n", ["G28", "G1 X3", "G1 X4"]),
    ])
    func aStrayM110InTheFileNeverDesynchronisesTheLink(file: String, moves: [String]) async throws {
        let printer = try Self.printer()
        defer { printer.stop() }
        let (session, fixtures) = try Self.session(file, on: printer)
        defer { fixtures.remove() }
        let result = try await session.run()
        #expect(result.outcome == .completed)
        #expect(result.progress?.confirmedCommands == session.summary.commandCount)
        let executed = printer.executedCommands
        #expect(executed.filter { moves.contains($0) } == moves, "every move ran once, in order")
        // The file's M110 went out as the host's own number, never as N100.
        #expect(!executed.contains("M110 N100"))
        #expect(printer.lastLineNumber < 100)
        #expect(printer.hotendTemperatures.first?.target == 0)
        #expect(printer.bedTemperature.target == 0)
    }

    @Test func aCancelWhileTheFirmwareWaitsForHeatBreaksTheWaitAndSwitchesTheHeatersOff() async throws {
        // A real-time heater: M109 S200 would keep the firmware busy for a minute and more.
        let printer = try Self.printer(timeScale: 1)
        defer { printer.stop() }
        var settings = LinkSettings()
        settings.cancelTimeout = .milliseconds(300)
        let (session, fixtures) = try Self.session("M109 S200\nG1 X1\nG1 X2\n", on: printer, settings: settings)
        defer { fixtures.remove() }
        let cancelled = Flag()
        let escalations = Mutex<[CancelEscalation.Step]>([])
        let started = ContinuousClock.now
        let result = try await session.run { event in
            switch event {
            case .temperature(let report) where report.isWaiting && cancelled.setOnce():
                session.cancel()
            case .cancelEscalated(let step, _):
                escalations.withLock { $0.append(step) }
            default:
                break
            }
        }
        #expect(result.outcome == .cancelled)
        #expect(ContinuousClock.now - started < .seconds(20), "the cancel did not wait for the nozzle to heat")
        #expect(escalations.withLock { $0 } == [.resynchronised, .waitBroken])
        #expect(printer.hotendTemperatures.first?.target == 0)
        #expect(printer.bedTemperature.target == 0)
        #expect(!printer.isHalted)
        // Lines already queued behind the heat-up run once M108 ends it; the heaters-off lines follow them, and
        // the job ends only once the printer confirmed those.
        let executed = printer.executedCommands
        let heatUp = try #require(executed.firstIndex(of: "M109 S200"))
        let renumbered = try #require(executed.lastIndex { $0.hasPrefix("M110 N") })
        #expect(renumbered > heatUp)
        #expect(Array(executed[renumbered...]).filter { $0.hasPrefix("M1") && $0 != "M108" }.dropFirst() == ["M104 S0", "M140 S0"])
    }
}
