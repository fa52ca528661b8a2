import Board
import ContentServer
import Endpoint
import Foundation
import Logging
import Testing
import ThreeDPProtocol
import VirtualPrinter

/// `kill -9` of the agent — no chance to save or clean anything — and a restart on the same state directory:
/// the queue, the part files and the job on the printer must come back as the issue says.
@Suite(.serialized, .timeLimit(.minutes(3))) struct CrashRecoveryTests {
    typealias Flow = PrintStartTests

    /// `3dp-agent run` as a child process on a fixed loopback port, its state in `state`.
    final class AgentProcess: AgentEndpoint, @unchecked Sendable {
        let process: ClientProcess

        init(config: URL, printer: VirtualPrinter, port: Int, token: String, home: URL) async throws {
            process = try ClientProcess(["run", "--config", config.path], configHome: home)
            super.init(printers: [printer], port: port, harnessToken: token)
            while let line = await process.nextErrorLine() {
                if line.contains("3DP-1 endpoint listening") { return }
            }
            let outcome = await process.finished()
            throw AgentTestError("the agent ended before it listened: \(outcome.stderr)")
        }

        /// A test that fails half-way must not leave an agent holding the printer's port for the next one.
        deinit {
            if process.isRunning { process.kill() }
        }
    }

    struct Setup {
        let state: URL
        let config: URL
        let port: Int
        let token: String
    }

    static func setup(printer: VirtualPrinter, server: RunningContentServer) throws -> Setup {
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("3dp-crash-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: state, withIntermediateDirectories: true)
        let port = try ClientProcess.unusedPort()
        let config = state.appendingPathComponent("agent.toml")
        try """
            [agent]
            state_directory = "\(state.path)"
            log_level = "info"
            [endpoint]
            listen = "127.0.0.1:\(port)"
            [printers]
            autodetect = false
            reconnect_interval = 0.1
            [[printer]]
            id = "vp1"
            port = "\(printer.devicePath)"
            baud = \(printer.configuration.baudRate ?? 1_000_000)
            [content]
            reserve_mb = 0
            [[content_server]]
            url = "\(server.baseURL)"
            allow_plain_http = true
            """.write(to: config, atomically: true, encoding: .utf8)
        let token = try AccessTokenStore(directory: state).issue(label: "crash tests", now: Date()).token
        return Setup(state: state, config: config, port: port, token: token)
    }

    static func withPrinterAndContent(baud: Int, _ files: [String: String], faults: ContentFaults,
                                      _ body: (VirtualPrinter, RunningContentServer, Setup) async throws -> Void) async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("3dp-content-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        for (name, text) in files { try text.write(to: root.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        var configuration = VirtualPrinterConfiguration()
        configuration.timeScale = 50
        configuration.baudRate = baud
        let printer = try VirtualPrinter(configuration: configuration)
        try printer.start()
        defer { printer.stop() }
        var logger = Logger(label: "content-server.test")
        logger.logLevel = .critical
        try await ContentServer.serve(ContentServerSettings(root: root.path, port: 0, adminKey: "admin", faults: faults),
                                      logger: logger) { server in
            let setup = try setup(printer: printer, server: server)
            defer { try? FileManager.default.removeItem(at: setup.state) }
            try await body(printer, server, setup)
        }
    }

    static func startAgent(_ setup: Setup, _ printer: VirtualPrinter) async throws -> AgentProcess {
        try await AgentProcess(config: setup.config, printer: printer, port: setup.port, token: setup.token, home: setup.state)
    }

    /// The job's state now, or once it reaches one of `states` (subscribed first, so nothing is missed).
    static func await(_ agent: AgentEndpoint, jobId: String, reaching states: Set<String>) async throws -> JSONValue {
        let subscription = try await agent.result("events.subscribe", ["topics": ["job.state"]], token: agent.harnessToken)
        let id = try #require(subscription["subscriptionId"])
        let all = try await agent.result("queue.list", ["include": "all"], token: agent.harnessToken)
        if let job = all["jobs"]?.arrayValue?.first(where: { $0["jobId"]?.stringValue == jobId }),
           states.contains(job["state"]?.stringValue ?? "") {
            return job
        }
        let deadline = ContinuousClock.now + .seconds(90)
        while ContinuousClock.now < deadline {
            for callback in try await agent.poll(id, seconds: 5) {
                guard let job = callback["result"]?["job"], job["jobId"]?.stringValue == jobId,
                      states.contains(job["state"]?.stringValue ?? "") else { continue }
                return job
            }
        }
        throw AgentTestError("job \(jobId) never reached \(states)")
    }

    /// Kills the agent and returns what it logged.
    @discardableResult
    static func kill(_ agent: AgentProcess) async -> String {
        agent.process.kill()
        let outcome = await agent.process.finished()
        #expect(outcome.signalled && outcome.status == SIGKILL)
        return outcome.stderr
    }

    @Test func aDownloadCutByKill9ResumesFromItsPartFileAfterTheRestart() async throws {
        // 600 kB at 100 kB/s: progress comes every quarter second, the kill lands seconds before the end.
        let text = Flow.gcode(moves: 25_000)
        try await Self.withPrinterAndContent(baud: 1_000_000, ["part.gcode": text],
                                             faults: ContentFaults(bytesPerSecond: 100_000)) { printer, server, setup in
            var agent = try await Self.startAgent(setup, printer)
            let subscription = try await agent.result("events.subscribe", ["topics": ["job.progress"]], token: setup.token)
            let issued = try await server.issueToken(contentId: "part.gcode")
            let started = try await agent.result("print.start", [
                "serviceId": "vp1", "contentServer": .string(server.baseURL), "token": .string(issued.token),
            ], token: setup.token)
            let jobId = try #require(started["job"]?["jobId"]?.stringValue)
            _ = try await PrintingThroughTheEndpointTests.collect(agent, try #require(subscription["subscriptionId"])) {
                ($0["result"]?["bytesDownloaded"]?.intValue ?? 0) > 0
            }
            await Self.kill(agent)

            let part = setup.state.appendingPathComponent("spool/\(jobId).part")
            let partSize = try #require(try FileManager.default.attributesOfItem(atPath: part.path)[.size] as? Int)
            #expect(partSize > 0 && partSize < text.utf8.count)
            await server.setFaults(.none)

            agent = try await Self.startAgent(setup, printer)
            let finished = try await Self.await(agent, jobId: jobId, reaching: ["completed", "failed", "interrupted"])
            #expect(finished["state"] == "completed")
            #expect(finished["bytesDownloaded"]?.intValue == text.utf8.count)
            // Requests are recorded as their responses end: the one cut off by the kill may come last.
            let ranges = await server.servedRequests().filter { $0.path.hasPrefix("/3dp/v1/contents/") && $0.status == 206 }
                .compactMap { $0.range.flatMap { Int($0.dropFirst("bytes=".count).prefix { $0 != "-" }) } }
            #expect(ranges.contains { $0 >= partSize }, "resumed from the part file, not from zero: \(ranges)")
            await Self.kill(agent)
        }
    }

    @Test func aPrintCutByKill9IsInterruptedAtItsLineAndTheQueueWaits() async throws {
        let text = Flow.gcode(moves: 40_000)
        try await Self.withPrinterAndContent(baud: 115_200, ["long.gcode": text, "next.gcode": Flow.gcode(moves: 10)],
                                             faults: .none) { printer, server, setup in
            var agent = try await Self.startAgent(setup, printer)
            let subscription = try await agent.result("events.subscribe", ["topics": ["job.progress", "job.state"]], token: setup.token)
            var jobIds: [String] = []
            for content in ["long.gcode", "next.gcode"] {
                let issued = try await server.issueToken(contentId: content)
                let started = try await agent.result("print.start", [
                    "serviceId": "vp1", "contentServer": .string(server.baseURL), "token": .string(issued.token),
                ], token: setup.token)
                jobIds.append(try #require(started["job"]?["jobId"]?.stringValue))
            }
            var confirmedAtKill = 0
            var nextReady = false
            var firstProgress: ContinuousClock.Instant?
            _ = try await PrintingThroughTheEndpointTests.collect(agent, try #require(subscription["subscriptionId"])) { callback in
                if callback["callbackId"] == "job.state", callback["result"]?["job"]?["jobId"]?.stringValue == jobIds[1],
                   callback["result"]?["job"]?["state"] == "ready" { nextReady = true }
                if callback["callbackId"] == "job.progress", callback["result"]?["jobId"]?.stringValue == jobIds[0] {
                    confirmedAtKill = callback["result"]?["lastConfirmedFileLine"]?.intValue ?? 0
                    firstProgress = firstProgress ?? .now
                }
                // Progress goes to disk about once a second: print for longer than that before the kill.
                return nextReady && confirmedAtKill > 200 && firstProgress.map { .now - $0 > .milliseconds(1500) } == true
            }
            #expect(printer.hotendTemperatures.first?.target == 200, "the job heated the nozzle")
            await Self.kill(agent)

            agent = try await Self.startAgent(setup, printer)
            let interrupted = try await Self.await(agent, jobId: jobIds[0], reaching: ["interrupted"])
            let line = interrupted["lastConfirmedFileLine"]?.intValue ?? 0
            #expect(line > 0 && line <= confirmedAtKill + 2000, "the line saved within a second of the kill: \(line), \(confirmedAtKill)")
            #expect(interrupted["message"]?.stringValue?.contains("file line \(line)") == true)
            // The next job waits for a person; the printer is left idle with its heaters off.
            try await agent.waitForStatus { $0["state"] == "idle" && $0["queueHold"]?.stringValue?.contains(jobIds[0]) == true }
            let queue = try await agent.result("queue.list", ["serviceId": "vp1"], token: setup.token)
            #expect(queue["jobs"]?.arrayValue?.map { $0["state"]?.stringValue } == ["ready"])
            try await agent.waitForStatus(topic: "printer.temperature") { $0["nozzles"]?.arrayValue?.first?["target"] == 0 }
            await Self.kill(agent)
        }
    }
}
