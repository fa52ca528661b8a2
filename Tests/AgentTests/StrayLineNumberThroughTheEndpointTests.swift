import Agent
import Endpoint
import Foundation
import Jobs
import Testing
import VirtualPrinter

/// The hostile probe's first finding, as a Manager meets it over 3DP-1: an `M110 N<k>` sent through `printer.gcode`
/// and another in the job file, then `print.stop`. The link stays in step, the stop gets through, and
/// `printer.status` shows the heaters' targets at 0.
@Suite(.serialized, .timeLimit(.minutes(3)))
struct StrayLineNumberThroughTheEndpointTests {
    @Test func strayM110sNeitherWedgeThePrintNorKeepTheHeatersOnAfterAStop() async throws {
        try await AgentUnderTest.with(configurePrinter: { $0.baudRate = 115_200 }) { agent in
            let fixtures = try GCodeFixtures()
            defer { fixtures.remove() }
            let (moves, _) = try fixtures.denseSegments(40_000)
            let file = try fixtures.write("M104 S200\nM140 S60\nM110 N100\n" + String(contentsOfFile: moves, encoding: .utf8),
                                          name: "stray.gcode")
            let token = agent.harnessToken
            let console = try await agent.result("printer.gcode", ["serviceId": "vp1", "lines": ["M110 N100"]], token: token)
            #expect(console["responses"]?[0]?["line"] == "M110 N100")

            let subscription = try await agent.result("events.subscribe", ["topics": ["job.state", "job.progress", "printer.temperature"]], token: token)
            let id = try #require(subscription["subscriptionId"])
            let service = try #require(agent.fleet.service("vp1"))
            let job = try await service.enqueue(gcodeFile: file)
            // Moves after the file's M110 are confirmed because the printer took them, not by a timeout.
            _ = try await PrintingThroughTheEndpointTests.collect(agent, id) { callback in
                callback["callbackId"] == "job.progress" && (callback["result"]?["confirmedLines"]?.intValue ?? 0) >= 500
            }
            #expect(agent.printer.executedCommands.filter { $0.hasPrefix("G1 ") }.count >= 490)
            #expect(agent.printer.hotendTemperatures.first?.target == 200)

            _ = try await agent.result("print.stop", ["serviceId": "vp1"], token: token)
            _ = try await PrintingThroughTheEndpointTests.collect(agent, id, timeout: .seconds(30)) { callback in
                PrintingThroughTheEndpointTests.isJobState("cancelled")(callback)
                    && callback["result"]?["job"]?["jobId"]?.stringValue == job.id
            }
            #expect(agent.printer.hotendTemperatures.first?.target == 0)
            #expect(agent.printer.bedTemperature.target == 0)
            #expect(!agent.printer.executedCommands.contains("M110 N100"))

            // The status a Manager reads agrees once the printer reports its temperatures again.
            _ = try await PrintingThroughTheEndpointTests.collect(agent, id, timeout: .seconds(15)) { callback in
                callback["callbackId"] == "printer.temperature" && callback["result"]?["nozzles"]?[0]?["target"]?.doubleValue == 0
                    && callback["result"]?["bed"]?["target"]?.doubleValue == 0
            }
            let status = try await agent.result("printer.status", ["serviceId": "vp1"], token: token)
            #expect(status["state"] == "idle")
            #expect(status["nozzles"]?[0]?["target"]?.doubleValue == 0)
            #expect(status["bed"]?["target"]?.doubleValue == 0)
        }
    }
}
