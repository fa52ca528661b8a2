import Foundation
import GCode
@testable import Jobs
import PrinterLink
import Testing

@Suite struct PrinterConditionTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    let printing = TemperatureReport(hotends: [0: .init(actual: 214.6, target: 215), 1: .init(actual: 30, target: 0)],
                                     bed: .init(actual: 59.8, target: 60), chamber: .init(actual: 31, target: 35),
                                     other: ["P": .init(actual: 35.2, target: 40)])

    @Test func aPrinterNotYetConnectedIsOfflineAndKnownForNothing() {
        let condition = PrinterCondition()
        #expect(condition.state == .disconnected("not connected yet"))
        #expect(!condition.isOnline)
        #expect(condition.identity == nil && condition.temperature == nil && condition.measuredAt == nil)
    }

    @Test func onlyAChangedStateNeedsTelling() {
        var condition = PrinterCondition()
        let connecting = condition.change(to: .connecting)
        let connectingAgain = condition.change(to: .connecting)
        let ready = condition.change(to: .ready)
        #expect(connecting && !connectingAgain && ready)
        #expect(condition.isOnline && !condition.isBusyStopping)
    }

    @Test(arguments: [PrinterState.printing, .pausing, .paused, .cancelling])
    func aJobOnThePrinterKeepsTheLinkOpen(_ state: PrinterState) {
        var condition = PrinterCondition()
        _ = condition.change(to: state)
        #expect(condition.isBusyStopping)
    }

    @Test func aJobsEndBlanksEveryTargetUntilThePrinterReportsAgain() {
        var condition = PrinterCondition()
        let statusWhilePrinting = condition.measured(printing, at: now)
        #expect(!statusWhilePrinting, "no job ended: the report is no status of its own")
        let forgot = condition.forgetTargets()
        #expect(forgot)
        let blanked = condition.temperature
        #expect(blanked?.hotends[0] == .init(actual: 214.6, target: nil))
        #expect(blanked?.hotends[1] == .init(actual: 30, target: nil))
        #expect(blanked?.bed == .init(actual: 59.8, target: nil))
        #expect(blanked?.chamber == .init(actual: 31, target: nil))
        #expect(blanked?.other["P"] == .init(actual: 35.2, target: nil))
        #expect(condition.measuredAt == now, "the measurement is still the one from before the job ended")

        let idle = TemperatureReport(hotends: [0: .init(actual: 210, target: 0)], bed: .init(actual: 58, target: 0))
        let later = now.addingTimeInterval(1)
        let statusAfterJob = condition.measured(idle, at: later)
        #expect(statusAfterJob, "the first report after the job goes out as a status")
        #expect(condition.temperature == idle && condition.measuredAt == later)
        let statusNext = condition.measured(idle, at: later.addingTimeInterval(1))
        #expect(!statusNext, "and only the first")
    }

    @Test func withoutAReportThereAreNoTargetsToForget() {
        var condition = PrinterCondition()
        let forgot = condition.forgetTargets()
        #expect(!forgot)
        #expect(!condition.awaitingTargetsAfterJob)
    }

    @Test func aLostLinkKeepsTheLastMeasurementAndFirmware() {
        var condition = PrinterCondition()
        let firmware = FirmwareIdentity(capabilities: ["AUTOREPORT_TEMP": true])
        condition.connected(firmware)
        _ = condition.change(to: .ready)
        _ = condition.measured(printing, at: now)
        let lost = condition.change(to: .disconnected("the port hung up"))
        #expect(lost)
        #expect(!condition.isOnline)
        #expect(condition.temperature == printing && condition.measuredAt == now)
        #expect(condition.identity == firmware)
    }
}
