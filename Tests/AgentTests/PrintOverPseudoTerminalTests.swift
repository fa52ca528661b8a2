import Agent
import Foundation
import GCode
import PrinterLink
import Testing
import VirtualPrinter

/// The whole print path over real pseudo-terminals: file check, serial port, state machine, driver thread,
/// and the simulated Marlin on the other side keeping its own log of what it executed.
@Suite(.serialized, .timeLimit(.minutes(3)))
struct PrintOverPseudoTerminalTests {
    static func printer(_ configure: (inout VirtualPrinterConfiguration) -> Void = { _ in }) throws -> VirtualPrinter {
        var configuration = VirtualPrinterConfiguration()
        configuration.timeScale = 50
        configure(&configuration)
        let printer = try VirtualPrinter(configuration: configuration)
        try printer.start()
        return printer
    }

    /// The job's commands in the printer's log, in order, without the host's own lines (hello, polls, scripts).
    static func jobCommands(in printer: VirtualPrinter) -> [String] {
        printer.executedCommands.filter { $0.hasPrefix("G1 ") }
    }

    /// Where two command lists part, for a readable failure (never the whole list).
    static func firstDifference(_ executed: [String], _ expected: [String]) -> String? {
        for index in 0..<min(executed.count, expected.count) where executed[index] != expected[index] {
            return "at \(index): executed \(executed[index]), expected \(expected[index])"
        }
        return executed.count == expected.count ? nil : "executed \(executed.count) commands, expected \(expected.count)"
    }

    /// Prints `count` dense segments to completion on a printer configured by `configure`, and checks that the
    /// printer executed exactly the file's commands, each once, in order.
    static func printCompletely(_ count: Int, settings: LinkSettings = LinkSettings(), baudRate: Int = 1_000_000,
                                throughLink: Bool = false,
                                configure: (inout VirtualPrinterConfiguration) -> Void) async throws -> (PrintResult, VirtualPrinterStats) {
        let fixtures = try GCodeFixtures()
        defer { fixtures.remove() }
        let (file, commands) = try fixtures.denseSegments(count)
        let link = fixtures.directory.appendingPathComponent("usb-Prusa_Research_Original_Prusa_i3_MK3_CZPX-if00").path
        let printer = try Self.printer {
            configure(&$0)
            if throughLink { $0.byIdLink = link }
        }
        defer { printer.stop() }
        let session = try PrintSession(file: file, port: throughLink ? link : printer.devicePath, baudRate: baudRate,
                                       settings: settings)
        let result = try await session.run()
        #expect(result.outcome == .completed)
        #expect(result.progress?.confirmedCommands == commands.count)
        #expect(Self.firstDifference(Self.jobCommands(in: printer), commands) == nil)
        return (result, printer.stats)
    }

    @Test func fiftyThousandLinesWithTwoPercentErrorsBothWaysArriveExactlyOnceInOrder() async throws {
        // A line and its error reply can both be garbled: only silence reveals that; keep it short here.
        var settings = LinkSettings()
        settings.ackTimeout = .milliseconds(100)
        let (result, stats) = try await Self.printCompletely(50_000, settings: settings) {
            $0.advancedOK = true
            $0.errorRate = .init(hostToPrinter: 0.02, printerToHost: 0.02)
            $0.seed = 20_261_121
        }
        #expect(stats.injectedFaults.hostToPrinter > 500)
        #expect(stats.injectedFaults.printerToHost > 500)
        #expect(result.counters.resendRequests > 0)
    }

    /// With the default timeouts: every recovery under noise takes a round trip or the flush guess, none waits for the
    /// acknowledgement timeout (3 s), in the windowed mode and with ADVANCED_OK.
    @Test(arguments: [(false, UInt64(11)), (false, 12), (true, 13)])
    func noRecoveryWaitsForTheAcknowledgementTimeout(advancedOK: Bool, seed: UInt64) async throws {
        var settings = LinkSettings()
        if advancedOK {
            settings.maxLinesInFlight = 16
            settings.receiveBufferBytes = 1024
        }
        let (result, _) = try await Self.printCompletely(20_000, settings: settings) {
            $0.advancedOK = advancedOK
            if advancedOK {
                $0.commandBufferSize = 16
                $0.receiveBufferSize = 1024
            }
            $0.errorRate = .init(hostToPrinter: 0.02, printerToHost: 0.02)
            $0.seed = seed
        }
        #expect(result.counters.resendRequests > 200)
        #expect(result.counters.acknowledgementTimeouts == 0)
    }

    @Test func withoutAdvancedOkDamagedAcknowledgementsCostNeverALine() async throws {
        var settings = LinkSettings()
        settings.ackTimeout = .milliseconds(50)
        let (result, _) = try await Self.printCompletely(3_000, settings: settings) {
            $0.errorRate = .init(hostToPrinter: 0.02, printerToHost: 0.02)
            $0.seed = 7
        }
        // Damaged oks are mostly recognised for what they were; the rest cost a silence, never a line.
        #expect(result.counters.repairedAcknowledgements > 0)
    }

    /// Runs a print of dense segments and does `act` once the printer confirmed `after` commands.
    static func print(_ count: Int, on printer: VirtualPrinter, settings: LinkSettings = LinkSettings(),
                      after: Int, act: @escaping @Sendable (PrintSession) -> Void) async throws -> PrintResult {
        let fixtures = try GCodeFixtures()
        defer { fixtures.remove() }
        let (file, _) = try fixtures.denseSegments(count)
        let session = try PrintSession(file: file, port: printer.devicePath, baudRate: 1_000_000, settings: settings)
        let acted = Flag()
        return try await session.run { event in
            if case .jobProgress(let progress) = event, progress.confirmedCommands >= after, acted.setOnce() {
                act(session)
            }
        }
    }

    @Test func unpluggingMidPrintInterruptsTheJobAtTheLastConfirmedLine() async throws {
        let printer = try Self.printer()
        defer { printer.stop() }
        let result = try await Self.print(200_000, on: printer, after: 2_000) { _ in printer.unplug() }
        guard case .interrupted(let reason) = result.outcome, let progress = result.progress else {
            Issue.record("expected an interrupted job, got \(result.outcome)")
            return
        }
        #expect(reason.contains("link lost"))
        #expect(reason.contains("last line the printer confirmed: \(progress.lastConfirmedFileLine)"))
        #expect(progress.confirmedCommands >= 2_000 && progress.confirmedCommands < 200_000)
        // The printer executed what it confirmed, and at most the lines that were in flight besides.
        let executed = Self.jobCommands(in: printer).count
        #expect(executed >= progress.confirmedCommands && executed <= progress.confirmedCommands + 32)
    }

    @Test func aControllerResetMidPrintInterruptsAndNeverContinues() async throws {
        let printer = try Self.printer()
        defer { printer.stop() }
        let result = try await Self.print(100_000, on: printer, after: 1_000) { _ in printer.reset() }
        guard case .interrupted(let reason) = result.outcome else {
            Issue.record("expected an interrupted job, got \(result.outcome)")
            return
        }
        #expect(reason.contains("reset"))
        #expect(Self.jobCommands(in: printer).count < 100_000)
    }

    @Test func thermalRunawayFailsTheJob() async throws {
        let printer = try Self.printer()
        defer { printer.stop() }
        let result = try await Self.print(100_000, on: printer, after: 1_000) { _ in printer.injectFault(.thermalRunaway(heater: "0")) }
        guard case .failed(let reason) = result.outcome else {
            Issue.record("expected a failed job, got \(result.outcome)")
            return
        }
        #expect(reason.contains("halted"))
        #expect(printer.isHalted)
    }

    @Test func cancelStopsTheJobAndSwitchesTheHeatersOff() async throws {
        let printer = try Self.printer()
        defer { printer.stop() }
        let result = try await Self.print(100_000, on: printer, after: 1_000) { $0.cancel() }
        #expect(result.outcome == .cancelled)
        let tail = Array(printer.executedCommands.suffix(4))
        #expect(tail.contains("M104 S0") && tail.contains("M140 S0"))
        #expect(Self.jobCommands(in: printer).count < 100_000)
    }

    @Test func aFirmwareThatSendsNoOkAfterResendIsDrivenCorrectly() async throws {
        var settings = LinkSettings()
        settings.resendWithoutOk = true
        let (result, _) = try await Self.printCompletely(5_000, settings: settings) {
            $0.okAfterResend = false
            $0.errorRate = .init(hostToPrinter: 0.02, printerToHost: 0)
            $0.seed = 99
        }
        #expect(result.counters.resendRequests > 0)
    }

    @Test func aNativeUSBBoardThatDoesNotResetOnOpenAndALinkPathBothWork() async throws {
        _ = try await Self.printCompletely(500, baudRate: 250_000, throughLink: true) { $0.resetOnOpen = false }
    }

    @Test func aLineTooLongForTheFirmwareIsRejectedBeforeThePrinterIsTouched() throws {
        let fixtures = try GCodeFixtures()
        defer { fixtures.remove() }
        let long = "M117 " + String(repeating: "x", count: 120)
        let file = try fixtures.write("G28\nG1 X1\n; fine\n\(long)\nG1 X2\n", name: "long.gcode")
        let printer = try Self.printer()
        defer { printer.stop() }
        #expect {
            _ = try PrintSession(file: file, port: printer.devicePath, baudRate: 1_000_000)
        } throws: { error in
            guard case PrintSessionError.file(.lineTooLong(let line, _, let limit)) = error else { return false }
            return line == 4 && limit == 96
        }
        #expect(printer.executedCount == 0)
    }
}

/// Set once from any thread.
final class Flag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false

    /// True for the first caller only.
    func setOnce() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        if value { return false }
        value = true
        return true
    }
}
