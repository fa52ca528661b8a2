import Foundation
import GCode
@testable import Jobs
import PrinterLink
import Testing

@Suite struct LinkEventNoticeTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    func report(_ event: LinkEvent) -> PrinterNotice? {
        PrinterNotice.reporting(event, serviceId: "mk3", at: now)
    }

    @Test func aThermalRunawayIsItsOwnFault() {
        let runaway = HeaterFault(kind: .thermalRunaway, heater: "0", message: "Thermal Runaway, system stopped!")
        #expect(report(.firmwareError(.heaterFault(runaway)))
            == .fault(serviceId: "mk3", .thermalRunaway, message: "Thermal Runaway, system stopped!", at: now))
        let cold = HeaterFault(kind: .minTemp, heater: "bed", message: "MINTEMP triggered")
        #expect(report(.firmwareError(.heaterFault(cold)))
            == .fault(serviceId: "mk3", .heaterFault, message: "MINTEMP triggered", at: now))
    }

    @Test func aHaltAndALostLinkAreFaults() {
        #expect(report(.stateChanged(.halted("kill() called")))
            == .fault(serviceId: "mk3", .halted, message: "kill() called", at: now))
        #expect(report(.firmwareError(.halted("Printer halted")))
            == .fault(serviceId: "mk3", .halted, message: "Printer halted", at: now))
        #expect(report(.stateChanged(.disconnected("the port hung up")))
            == .fault(serviceId: "mk3", .linkLost, message: "the port hung up", at: now))
        #expect(report(.controllerReset)
            == .fault(serviceId: "mk3", .controllerReset, message: "the printer's controller reset", at: now))
        #expect(report(.cancelEscalated(.waitBroken, "M108 sent"))
            == .fault(serviceId: "mk3", .cancelEscalated, message: "M108 sent", at: now))
    }

    @Test func theFirmwaresWordsForPeopleAreMessages() {
        #expect(report(.message("prompt_begin Filament runout"))
            == .message(serviceId: "mk3", .prompt, text: "prompt_begin Filament runout", at: now))
        #expect(report(.message("Heating done"))
            == .message(serviceId: "mk3", .notification, text: "Heating done", at: now))
        #expect(report(.action(.pause)) == .message(serviceId: "mk3", .action, text: "pause", at: now))
    }

    @Test func whatMovesTheQueueIsTheServicesToTell() {
        #expect(report(.stateChanged(.ready)) == nil)
        #expect(report(.stateChanged(.printing)) == nil)
        #expect(report(.jobFinished(.failed("MINTEMP"), JobProgress(totalCommands: 10, fileSize: 100))) == nil,
                "a failed job's fault follows its state, which the service tells")
        #expect(report(.firmwareError(.checksumMismatch(lastLine: 12))) == nil, "resent, not a fault")
        #expect(report(.console("echo:busy: processing")) == nil)
    }
}
