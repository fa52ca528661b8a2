import Agent
import Endpoint
import Foundation
import Jobs
import Testing
import ThreeDPProtocol
import VirtualPrinter

/// Jobs on the virtual printer as a Manager follows and steers them over 3DP-1: callbacks while printing, pause,
/// resume and stop, a printer unplugged mid-print, and an emergency stop.
@Suite(.serialized, .timeLimit(.minutes(3)))
struct PrintingThroughTheEndpointTests {
    /// A job file: heats the nozzle, shows a layer on the display, then `count` moves.
    static func jobFile(_ fixtures: GCodeFixtures, moves count: Int) throws -> String {
        let (path, _) = try fixtures.denseSegments(count)
        let moves = try String(contentsOfFile: path, encoding: .utf8)
        return try fixtures.write("M104 S200\nM117 Layer 1\n" + moves, name: "job.gcode")
    }

    /// Long-polls `subscription` until a callback satisfies `until`; returns every callback seen on the way.
    static func collect(_ agent: AgentEndpoint, _ subscription: JSONValue, timeout: Duration = .seconds(60),
                        until: (JSONValue) -> Bool) async throws -> [JSONValue] {
        var seen: [JSONValue] = []
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            for callback in try await agent.poll(subscription, seconds: 5) {
                seen.append(callback)
                if until(callback) { return seen }
            }
        }
        throw AgentTestError("the awaited callback did not come; saw \(seen.count) callbacks")
    }

    static func isJobState(_ state: String) -> (JSONValue) -> Bool {
        { $0["callbackId"] == "job.state" && $0["result"]?["job"]?["state"]?.stringValue == state }
    }

    @Test func aPrintSendsStatusProgressStateQueueAndDisplayCallbacksAndCompletes() async throws {
        try await AgentUnderTest.with(statusInterval: .milliseconds(100), configurePrinter: { $0.baudRate = 250_000 }) { agent in
            let fixtures = try GCodeFixtures()
            defer { fixtures.remove() }
            let file = try Self.jobFile(fixtures, moves: 4000)
            let subscription = try await agent.result("events.subscribe", ["serviceId": "vp1"], token: agent.harnessToken)
            let id = try #require(subscription["subscriptionId"])

            let service = try #require(agent.fleet.service("vp1"))
            let job = try await service.enqueue(gcodeFile: file, name: "benchy")
            let seen = try await Self.collect(agent, id, until: Self.isJobState("completed"))

            let topics = Set(seen.compactMap { $0["callbackId"]?.stringValue })
            #expect(topics.isSuperset(of: ["printer.status", "printer.temperature", "job.progress", "job.state", "queue.changed", "printer.message"]))
            #expect(seen.contains(where: Self.isJobState("printing")))
            let printingStatus = seen.filter { $0["callbackId"] == "printer.status" && $0["result"]?["state"] == "printing" }
            #expect(!printingStatus.isEmpty)
            #expect(printingStatus.first?["result"]?["job"]?["jobId"]?.stringValue == job.id)
            #expect(seen.contains { $0["callbackId"] == "printer.message" && $0["result"]?["text"] == "Layer 1" && $0["result"]?["kind"] == "display" })
            let progress = seen.compactMap { $0["callbackId"] == "job.progress" ? $0["result"]?["progress"]?.doubleValue : nil }
            #expect(progress == progress.sorted(), "progress only grows")

            let history = try await agent.result("queue.list", ["include": "all"], token: agent.harnessToken)
            let entry = try #require(history["jobs"]?.arrayValue?.first { $0["jobId"]?.stringValue == job.id })
            #expect(entry["state"] == "completed")
            #expect(entry["progress"]?.doubleValue == 1)
            #expect(entry["confirmedLines"]?.intValue == 4002)
            #expect(agent.printer.executedCommands.filter { $0.hasPrefix("G1 ") }.count == 4000)
        }
    }

    @Test func pauseResumeAndStopActOnTheJobAndStoppingSwitchesTheHeatersOff() async throws {
        try await AgentUnderTest.with(configurePrinter: { $0.baudRate = 115_200 }) { agent in
            let fixtures = try GCodeFixtures()
            defer { fixtures.remove() }
            let file = try Self.jobFile(fixtures, moves: 40_000)
            let token = agent.harnessToken
            let subscription = try await agent.result("events.subscribe", ["topics": ["job.state"]], token: token)
            let id = try #require(subscription["subscriptionId"])
            let service = try #require(agent.fleet.service("vp1"))
            let job = try await service.enqueue(gcodeFile: file)
            let waiting = try await service.enqueue(gcodeFile: file, name: "second")
            _ = try await Self.collect(agent, id, until: Self.isJobState("printing"))

            let paused = try await agent.result("print.pause", ["serviceId": "vp1"], token: token)
            #expect(paused["job"]?["jobId"]?.stringValue == job.id)
            #expect(paused["queue"]?.arrayValue?.count == 2)
            _ = try await Self.collect(agent, id, until: Self.isJobState("paused"))
            #expect(try await agent.errorCode("print.pause", ["jobId": .string(job.id)], token: token) == JSONRPCError.invalidOperationCode)

            _ = try await agent.result("print.resume", ["jobId": .string(job.id)], token: token)
            _ = try await Self.collect(agent, id, until: Self.isJobState("printing"))

            // The waiting job is cancelled in the queue; the printing one on the printer.
            let dropped = try await agent.result("print.stop", ["jobId": .string(waiting.id)], token: token)
            #expect(dropped["job"]?["state"] == "cancelled")
            _ = try await agent.result("print.stop", ["serviceId": "vp1"], token: token)
            let seen = try await Self.collect(agent, id) { callback in
                Self.isJobState("cancelled")(callback) && callback["result"]?["job"]?["jobId"]?.stringValue == job.id
            }
            #expect(seen.last?["result"]?["job"]?["message"]?.stringValue?.contains("cancelled at file line") == true)
            #expect(agent.printer.executedCommands.contains("M104 S0"), "the cancel script switched the nozzle heater off")
            #expect(agent.printer.hotendTemperatures.first?.target == 0)
            let queue = try await agent.result("queue.list", token: token)
            #expect(queue["jobs"]?.arrayValue?.isEmpty == true)
        }
    }

    @Test func aPrinterUnpluggedMidPrintInterruptsTheJobAtItsLastConfirmedLineAndHoldsTheQueue() async throws {
        try await AgentUnderTest.with(configurePrinter: { $0.baudRate = 115_200 }) { agent in
            let fixtures = try GCodeFixtures()
            defer { fixtures.remove() }
            let file = try Self.jobFile(fixtures, moves: 40_000)
            let token = agent.harnessToken
            let subscription = try await agent.result("events.subscribe", ["topics": ["job.state", "printer.error", "job.progress"]], token: token)
            let id = try #require(subscription["subscriptionId"])
            let service = try #require(agent.fleet.service("vp1"))
            _ = try await service.enqueue(gcodeFile: file)
            _ = try await service.enqueue(gcodeFile: file, name: "next")
            _ = try await Self.collect(agent, id) { $0["callbackId"] == "job.progress" && ($0["result"]?["confirmedLines"]?.intValue ?? 0) > 100 }

            agent.printer.unplug()
            var interrupted: JSONValue?
            var sawLinkLost = false
            _ = try await Self.collect(agent, id) { callback in
                if Self.isJobState("interrupted")(callback) { interrupted = callback["result"]?["job"] }
                if callback["callbackId"] == "printer.error", callback["result"]?["kind"] == "linkLost" { sawLinkLost = true }
                return interrupted != nil && sawLinkLost
            }
            #expect((interrupted?["lastConfirmedFileLine"]?.intValue ?? 0) > 100)
            #expect(interrupted?["message"]?.stringValue?.contains("file line") == true)
            // The next job waits for a person: it never starts by itself on a printer in an unknown state.
            let queue = try await agent.result("queue.list", ["serviceId": "vp1"], token: token)
            #expect(queue["jobs"]?.arrayValue?.map { $0["state"]?.stringValue } == ["ready"])
            // A person releases the queue; the next job starts once the printer is back, never before.
            let released = try await agent.result("print.resume", ["serviceId": "vp1"], token: token)
            #expect(released["job"] == .null)
            #expect(released["queue"]?.arrayValue?.count == 1)
            #expect(try await agent.errorCode("print.resume", ["serviceId": "vp1"], token: token) == JSONRPCError.invalidOperationCode)
        }
    }

    @Test func anEmergencyStopHaltsThePrinterAndSaysSo() async throws {
        try await AgentUnderTest.with { agent in
            let token = agent.harnessToken
            let subscription = try await agent.result("events.subscribe", ["topics": ["printer.error"]], token: token)
            let id = try #require(subscription["subscriptionId"])
            _ = try await agent.result("printer.emergencyStop", ["serviceId": "vp1"], token: token)
            let seen = try await Self.collect(agent, id) { $0["callbackId"] == "printer.error" && $0["result"]?["kind"] == "halted" }
            #expect(!seen.isEmpty)
            // The agent reports the halt as it sends M112: the printer gets it a moment later, over the wire.
            #expect(agent.printer.waitUntilHalted())
            let status = try await agent.result("printer.status", ["serviceId": "vp1"], token: token)
            #expect(status["state"] == "halted")
            #expect(try await agent.errorCode("printer.gcode", ["serviceId": "vp1", "lines": ["M105"]], token: token)
                    == JSONRPCError.printerHaltedCode)
        }
    }
}
