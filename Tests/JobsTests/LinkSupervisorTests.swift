import Foundation
import GCode
@testable import Jobs
import PrinterLink
import Testing

@Suite struct LinkSupervisorTests {
    @Test func aPortThatStaysAwayIsLoggedOncePerReason() {
        var supervisor = LinkSupervisor(heatersLeftOnByACrash: false)
        let unplugged = "cannot open /dev/ttyACM0: no such file"
        let first = supervisor.openFailed(unplugged)
        let again = supervisor.openFailed(unplugged)
        let other = supervisor.openFailed("cannot open /dev/ttyACM0: permission denied")
        #expect(first && !again && other)
        supervisor.opened()
        let afterALink = supervisor.openFailed(unplugged)
        #expect(afterALink, "once it was linked again, a new absence is news")
    }

    @Test func afterACrashTheHeatersGoOffOnceTheFirstTimeThePrinterIsReady() {
        var supervisor = LinkSupervisor(heatersLeftOnByACrash: true)
        let unlinked = supervisor.printerReady(linked: false)
        #expect(!unlinked && supervisor.heatersLeftOnByACrash, "the duty waits for a link")
        #expect(supervisor.takeFollowUps().isEmpty)

        let ready = supervisor.printerReady(linked: true)
        #expect(ready && !supervisor.heatersLeftOnByACrash)
        #expect(supervisor.takeFollowUps() == [.heatersOffAfterACrash])
        #expect(supervisor.takeFollowUps().isEmpty, "taken once")

        let readyAgain = supervisor.printerReady(linked: true)
        #expect(!readyAgain && supervisor.takeFollowUps().isEmpty, "only once")
    }

    @Test func theLinesAfterACrashOnlySwitchHeatersOff() {
        let lines = LinkFollowUp.heatersOffAfterACrash.lines
        #expect(lines == ["M104 S0", "M140 S0"])
        #expect(LinkFollowUp.temperatureAfterJob.lines == ["M105"], "after a job the printer is only asked")
    }

    @Test func withoutACrashNothingIsSentWhenThePrinterIsReady() {
        var supervisor = LinkSupervisor(heatersLeftOnByACrash: false)
        let ready = supervisor.printerReady(linked: true)
        #expect(!ready && supervisor.takeFollowUps().isEmpty)
    }

    @Test func aJobsEndAsksForTheNewTargetsOnlyWhenSomeWereForgotten() {
        var supervisor = LinkSupervisor(heatersLeftOnByACrash: false)
        supervisor.jobEnded(targetsForgotten: false, linked: true)
        supervisor.jobEnded(targetsForgotten: true, linked: false)
        #expect(supervisor.takeFollowUps().isEmpty)
        supervisor.jobEnded(targetsForgotten: true, linked: true)
        #expect(supervisor.takeFollowUps() == [.temperatureAfterJob])
    }

    @Test(arguments: [PrinterState.printing, .pausing, .paused, .cancelling])
    func stoppingTheAgentCancelsAJobOnThePrinterBeforeClosing(_ state: PrinterState) {
        #expect(LinkSupervisor.shutdown(linkState: state) == .cancelJobThenClose(grace: 15))
    }

    @Test(arguments: [PrinterState.ready, .connecting, .halted("MINTEMP"), .disconnected("unplugged")])
    func stoppingTheAgentWithoutAJobClosesAtOnce(_ state: PrinterState) {
        #expect(LinkSupervisor.shutdown(linkState: state) == .close)
    }

    @Test func aJobCancelledByTheAgentStoppingIsInterruptedAndWaitsForAPerson() {
        #expect(LinkSupervisor.outcome(.cancelled, agentStopping: true)
            == .interrupted("the agent stopped; the job was cancelled and the heaters switched off"))
        #expect(LinkSupervisor.outcome(.cancelled, agentStopping: false) == .cancelled, "a person's cancel stays one")
        #expect(LinkSupervisor.outcome(.completed, agentStopping: true) == .completed)
        #expect(LinkSupervisor.outcome(.failed("MINTEMP"), agentStopping: true) == .failed("MINTEMP"))
    }
}
