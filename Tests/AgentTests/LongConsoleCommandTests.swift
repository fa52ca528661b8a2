import Endpoint
import Foundation
import ManagerClient
import Testing
import VirtualPrinter

/// `3dp-agent client gcode "M109 S50"` once gave up ("did not answer printer.gcode in time") while the printer was
/// still heating: the client's 30-second deadline, not the agent, ended the wait. A console command that waits is
/// now followed to the printer's `ok`: the agent answers `printer.gcode` when the command completes, and the client
/// allows such a request the time a heater or a probe takes. Here the virtual printer heats at the real pace of a
/// hotend (2 °C/s, a 3-second residency), and the client's ordinary deadline is cut to 2 seconds.
@Suite(.serialized, .timeLimit(.minutes(2)))
struct LongConsoleCommandTests {
    @Test func anM109IsAnsweredWhenTheHotendIsAtTemperatureLongAfterTheOrdinaryDeadline() async throws {
        try await AgentUnderTest.with(configurePrinter: { printer in
            printer.timeScale = 1
            printer.temperatureResidency = 3
        }) { agent in
            let url = try AgentURL(parsing: agent.baseURL)
            try await AgentSession.with(url: url, accessToken: agent.harnessToken, requestTimeout: .seconds(2)) { session in
                let started = ContinuousClock.now
                let answer = try await session.call("printer.gcode", params: [
                    "serviceId": .string("vp1"), "lines": .array([.string("M109 S50")]),
                ])
                let waited = ContinuousClock.now - started
                #expect(answer["responses"]?[0]?["line"]?.stringValue == "M109 S50")
                // 22 → 50 °C at 2 °C/s, the approach and the residency: far beyond the 2-second deadline.
                #expect(waited > .seconds(10), "the printer answered after \(waited)")
                let hotend = try #require(agent.printer.hotendTemperatures.first)
                #expect(hotend.target == 50 && abs(hotend.actual - 50) < 1.5, "\(hotend)")

                // A command that does not wait keeps the ordinary deadline, and is answered well within it.
                let quick = try await session.call("printer.gcode", params: [
                    "serviceId": .string("vp1"), "lines": .array([.string("M105")]),
                ])
                #expect(quick["responses"]?[0]?["replies"]?.arrayValue?.contains { $0.stringValue?.contains("T:") == true } == true)
            }
        }
    }
}
