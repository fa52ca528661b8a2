import Board
import AgentConfig
import ContentServer
import Endpoint
import Content
import Foundation
import Logging
import ManagerClient
import Testing
import ThreeDPProtocol

/// The seed's print flow (7.2.5–7.2.6) end to end on loopback: a Manager hands the agent a content server's token,
/// the agent fetches, checks and prints the selection — and every way that can go wrong ends clearly.
@Suite(.serialized, .timeLimit(.minutes(2))) struct PrintStartTests {
    typealias Collect = PrintingThroughTheEndpointTests

    /// A content server over `files` and an agent that trusts it (plain http on loopback), both stopped afterwards.
    static func withAgentAndContent(_ files: [String: String], faults: ContentFaults = .none, spoolQuotaMegabytes: Int? = nil,
                                    logs: CapturedLogs? = nil, binaryFiles: [String: [UInt8]] = [:],
                                    configureAgent: (inout AgentConfiguration) -> Void = { _ in },
                                    _ body: (AgentUnderTest, RunningContentServer, URL) async throws -> Void) async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("3dp-content-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        for (name, text) in files {
            try text.write(to: root.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        for (name, bytes) in binaryFiles {
            try Data(bytes).write(to: root.appendingPathComponent(name))
        }
        var logger = Logger(label: "content-server.test")
        logger.logLevel = .warning
        let settings = ContentServerSettings(root: root.path, port: 0, adminKey: "admin-key-for-tests", faults: faults)
        try await ContentServer.serve(settings, logger: logger) { server in
            let trusted = TrustedContentServer(url: server.baseURL, name: "test content", allowPlainHTTP: true)
            try await AgentUnderTest.with(logs: logs, contentServers: [trusted], spoolQuotaMegabytes: spoolQuotaMegabytes,
                                          configurePrinter: { $0.baudRate = 1_000_000 }, configureAgent: configureAgent) { agent in
                try await body(agent, server, agent.stateDirectory.appendingPathComponent("spool"))
            }
        }
    }

    /// Short moves (under a millimetre) so that the virtual printer runs them fast; each line unique by its E.
    static func gcode(moves: Int) -> String {
        var text = "M104 S200\nM117 Layer 1\n"
        for index in 0..<moves { text += "G1 X100.\(index % 50) Y100.\(index % 37) E\(index)\n" }
        return text
    }

    static func start(_ agent: AgentUnderTest, _ server: RunningContentServer, contentId: String,
                      lifetime: Duration? = nil) async throws -> JSONValue {
        let issued = try await server.issueToken(contentId: contentId, lifetime: lifetime)
        return try await agent.result("print.start", [
            "serviceId": "vp1", "contentServer": .string(server.baseURL), "token": .string(issued.token),
        ], token: agent.harnessToken)
    }

    static func subscribe(_ agent: AgentUnderTest) async throws -> JSONValue {
        let subscription = try await agent.result(
            "events.subscribe", ["topics": ["job.state", "job.progress", "queue.changed"]], token: agent.harnessToken)
        return try #require(subscription["subscriptionId"])
    }

    static func finalState(_ agent: AgentUnderTest, _ subscription: JSONValue, jobId: String) async throws -> (job: JSONValue, seen: [JSONValue]) {
        var finished: JSONValue?
        let seen = try await Collect.collect(agent, subscription) { callback in
            guard callback["callbackId"] == "job.state", let job = callback["result"]?["job"],
                  job["jobId"]?.stringValue == jobId,
                  ["completed", "failed", "cancelled", "interrupted"].contains(job["state"]?.stringValue ?? "") else { return false }
            finished = job
            return true
        }
        return (try #require(finished), seen)
    }

    static func spoolFiles(_ spool: URL) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: spool.path)) ?? []).sorted()
    }

    @Test func theSeedFlowPrintsTheSelectedContent() async throws {
        let text = Self.gcode(moves: 3000)
        let logs = CapturedLogs()
        try await Self.withAgentAndContent(["benchy.gcode": text], logs: logs) { agent, server, spool in
            // The Manager's side: discovery, pairing with the code read off the printer, info, the trusted servers.
            let discovered = try await agent.result("service.discover")
            #expect(discovered["services"]?.arrayValue?.first?["serviceId"] == "vp1")
            let token = try await agent.pair()
            _ = try await agent.result("printer.info", ["serviceId": "vp1"], token: token)
            let servers = try await agent.result("content.servers", token: token)
            #expect(servers["servers"] == .array([.object(["name": "test content", "url": .string(server.baseURL), "tls": false])]))
            let subscription = try await Self.subscribe(agent)

            let issued = try await server.issueToken(contentId: "benchy.gcode")
            let started = try await agent.result("print.start", [
                "serviceId": "vp1", "contentServer": .string(server.baseURL), "token": .string(issued.token),
            ], token: token)
            let job = try #require(started["job"])
            #expect(job["state"] == "queued")
            #expect(job["order"] == 1)
            #expect(started["queue"]?.arrayValue?.count == 1)
            let jobId = try #require(job["jobId"]?.stringValue)

            let (finished, seen) = try await Self.finalState(agent, subscription, jobId: jobId)
            #expect(finished["state"] == "completed")
            #expect(finished["name"] == "benchy.gcode")
            #expect(finished["contentUri"]?.stringValue == "\(server.baseURL)/3dp/v1/contents/benchy.gcode")
            #expect(finished["contentSize"]?.intValue == text.utf8.count)
            #expect(finished["bytesDownloaded"]?.intValue == text.utf8.count)
            #expect(finished["totalLines"] == 3002)
            let states = seen.filter { $0["callbackId"] == "job.state" }.compactMap { $0["result"]?["job"]?["state"]?.stringValue }
            #expect(states.firstIndex(of: "downloading")! < states.firstIndex(of: "ready")!)
            #expect(states.firstIndex(of: "ready")! < states.firstIndex(of: "printing")!)
            #expect(seen.contains { $0["callbackId"] == "job.progress" && $0["result"]?["bytesDownloaded"]?.intValue == text.utf8.count })
            // queue.changed follows every state the job went through while it waited and printed.
            let queueStates = seen.filter { $0["callbackId"] == "queue.changed" }
                .compactMap { $0["result"]?["queue"]?.arrayValue?.first { $0["jobId"]?.stringValue == jobId }?["state"]?.stringValue }
            #expect(["queued", "downloading", "ready", "printing"].allSatisfy(queueStates.contains), "\(queueStates)")
            #expect(agent.printer.executedCommands.contains("G1 X100.49 Y100.2 E2999"))

            // The job stays in the history; its spool copy is gone.
            let history = try await agent.result("history.list", ["serviceId": "vp1"], token: token)
            #expect(history["jobs"]?.arrayValue?.first?["jobId"]?.stringValue == jobId)
            let finishedList = try await agent.result("queue.list", ["include": "finished"], token: token)
            #expect(finishedList["jobs"]?.arrayValue?.count == 1)
            #expect(Self.spoolFiles(spool).isEmpty)
            // The token went to the content server's own origin, and nowhere into the agent's logs.
            let served = await server.servedRequests()
            #expect(served.map(\.path) == ["/3dp/v1/selection", "/3dp/v1/contents/benchy.gcode"])
            #expect(served.allSatisfy { $0.hadAuthorization && $0.authorizationValid && $0.status == 200 })
            #expect(!logs.all.contains { $0.contains(issued.token) })
        }
    }

    @Test func aDroppedConnectionResumesWithARangeAndTheHashMatches() async throws {
        let text = Self.gcode(moves: 20_000)
        try await Self.withAgentAndContent(["part.gcode": text], faults: ContentFaults(dropAfterBytes: 100_000, dropCount: 2)) { agent, server, _ in
            let subscription = try await Self.subscribe(agent)
            let jobId = try #require(try await Self.start(agent, server, contentId: "part.gcode")["job"]?["jobId"]?.stringValue)
            let (finished, _) = try await Self.finalState(agent, subscription, jobId: jobId)
            #expect(finished["state"] == "completed")
            let downloads = await server.servedRequests().filter { $0.path.hasPrefix("/3dp/v1/contents/") }
            #expect(downloads.count == 3)
            #expect(downloads.first?.range == nil)
            #expect(downloads.dropFirst().allSatisfy { $0.range?.hasPrefix("bytes=") == true && $0.range != "bytes=0-" })
        }
    }

    @Test func aByteCorruptedTwiceFailsTheJobClearlyAndLeavesNothingInTheSpool() async throws {
        let text = Self.gcode(moves: 2000)
        try await Self.withAgentAndContent(["part.gcode": text], faults: ContentFaults(corruptOffset: 1000, corruptCount: 2)) { agent, server, spool in
            let subscription = try await Self.subscribe(agent)
            let jobId = try #require(try await Self.start(agent, server, contentId: "part.gcode")["job"]?["jobId"]?.stringValue)
            let (finished, _) = try await Self.finalState(agent, subscription, jobId: jobId)
            #expect(finished["state"] == "failed")
            #expect(finished["message"]?.stringValue?.contains("SHA-256") == true)
            #expect(Self.spoolFiles(spool).isEmpty)
            #expect(await server.servedRequests().filter { $0.path.hasPrefix("/3dp/v1/contents/") }.count == 2,
                    "one retry from zero after the first mismatch, no more")
            #expect(agent.printer.executedCommands.allSatisfy { !$0.hasPrefix("G1 ") }, "nothing of it reached the printer")
        }
    }

    @Test func anExpiredTokenFailsTheJobWithTokenRejected() async throws {
        try await Self.withAgentAndContent(["part.gcode": Self.gcode(moves: 10)]) { agent, server, _ in
            let subscription = try await Self.subscribe(agent)
            let started = try await Self.start(agent, server, contentId: "part.gcode", lifetime: .zero)
            let jobId = try #require(started["job"]?["jobId"]?.stringValue)
            let (finished, _) = try await Self.finalState(agent, subscription, jobId: jobId)
            #expect(finished["state"] == "failed")
            #expect(finished["message"]?.stringValue?.contains("refused the token (HTTP 401)") == true)
            #expect(await server.servedRequests().count == 1, "no retry after a 4xx")
        }
    }

    @Test func aServerOutsideTheAllowlistIsNeverContacted() async throws {
        try await Self.withAgentAndContent(["part.gcode": Self.gcode(moves: 10)]) { agent, server, _ in
            let issued = try await server.issueToken(contentId: "part.gcode")
            let elsewhere = server.baseURL.replacingOccurrences(of: "127.0.0.1", with: "localhost")
            let code = try await agent.errorCode("print.start", [
                "serviceId": "vp1", "contentServer": .string(elsewhere), "token": .string(issued.token),
            ], token: agent.harnessToken)
            #expect(code == JSONRPCError.contentServerNotTrustedCode)
            #expect(await server.servedRequests().isEmpty)
            let queue = try await agent.result("queue.list", ["include": "all"], token: agent.harnessToken)
            #expect(queue["jobs"]?.arrayValue?.isEmpty == true)
        }
    }

    @Test func theSpoolQuotaFailsAJobTooBigForIt() async throws {
        let text = Self.gcode(moves: 80_000)
        #expect(text.utf8.count > 1 << 20)
        try await Self.withAgentAndContent(["big.gcode": text], spoolQuotaMegabytes: 1) { agent, server, spool in
            let subscription = try await Self.subscribe(agent)
            let jobId = try #require(try await Self.start(agent, server, contentId: "big.gcode")["job"]?["jobId"]?.stringValue)
            let (finished, _) = try await Self.finalState(agent, subscription, jobId: jobId)
            #expect(finished["state"] == "failed")
            #expect(finished["message"]?.stringValue?.contains("quota") == true)
            #expect(await server.servedRequests().map(\.path) == ["/3dp/v1/selection"], "refused before any content byte")
            #expect(Self.spoolFiles(spool).isEmpty)
        }
    }

    @Test func aModelWithoutASlicerFailsWithNoSlicerAvailable() async throws {
        try await Self.withAgentAndContent(["bracket.stl": "solid bracket\nendsolid bracket\n"],
                                           configureAgent: { $0.slicing.slicer = "off" }) { agent, server, _ in
            let subscription = try await Self.subscribe(agent)
            let jobId = try #require(try await Self.start(agent, server, contentId: "bracket.stl")["job"]?["jobId"]?.stringValue)
            let (finished, _) = try await Self.finalState(agent, subscription, jobId: jobId)
            #expect(finished["state"] == "failed")
            #expect(finished["message"]?.stringValue?.hasPrefix("no slicer available") == true)
            #expect(await server.servedRequests().map(\.path) == ["/3dp/v1/selection"])
        }
    }

    @Test func stoppingAJobWhileItDownloadsCancelsItAndRemovesItsPart() async throws {
        try await Self.withAgentAndContent(["slow.gcode": Self.gcode(moves: 20_000)],
                                           faults: ContentFaults(bytesPerSecond: 50_000)) { agent, server, spool in
            let subscription = try await Self.subscribe(agent)
            let jobId = try #require(try await Self.start(agent, server, contentId: "slow.gcode")["job"]?["jobId"]?.stringValue)
            _ = try await Collect.collect(agent, subscription) {
                $0["callbackId"] == "job.progress" && ($0["result"]?["bytesDownloaded"]?.intValue ?? 0) > 0
            }
            let stopped = try await agent.result("print.stop", ["jobId": .string(jobId)], token: agent.harnessToken)
            #expect(stopped["job"]?["state"] == "cancelled")
            #expect(stopped["queue"]?.arrayValue?.isEmpty == true)
            #expect(Self.spoolFiles(spool).isEmpty)
        }
    }

    @Test(arguments: [("not a token", -32602), ("", -32602), ("abc==x", -32602)])
    func malformedTokensAreRefusedBeforeAnythingIsQueued(token: String, code: Int) async throws {
        try await Self.withAgentAndContent(["part.gcode": "G28\n"]) { agent, server, _ in
            let refused = try await agent.errorCode("print.start", [
                "serviceId": "vp1", "contentServer": .string(server.baseURL), "token": .string(token),
            ], token: agent.harnessToken)
            #expect(refused == code)
            #expect(await server.servedRequests().isEmpty)
        }
    }
}

/// `client servers` and `client start`: the reference Manager's side of `print.start`, as a person runs it.
@Suite(.serialized, .timeLimit(.minutes(2))) struct ClientStartTests {
    @Test func theClientListsTheTrustedServersAndStartsAPrintWithATokenFromTheEnvironment() async throws {
        try await PrintStartTests.withAgentAndContent(["part.gcode": PrintStartTests.gcode(moves: 200)]) { agent, server, _ in
            let home = try ConfigHome()
            defer { home.remove() }
            try home.store.save(ClientCredential(accessToken: agent.harnessToken), for: AgentURL(parsing: agent.baseURL))
            let servers = try await ClientProcess.run(["client", "servers", "--url", agent.baseURL], configHome: home.directory)
            #expect(servers.status == 0, "\(servers.stderr)")
            #expect(servers.lines == ["test content  \(server.baseURL)"])

            let missing = try await ClientProcess.run(["client", "start", "--url", agent.baseURL, "--content-server", server.baseURL],
                                                      configHome: home.directory)
            #expect(missing.status == 2 && missing.stderr.contains("--token or $THREEDP_CONTENT_TOKEN"), "\(missing.stderr)")

            let subscription = try await PrintStartTests.subscribe(agent)
            let issued = try await server.issueToken(contentId: "part.gcode")
            let started = try await ClientProcess.run(
                ["client", "start", "--url", agent.baseURL, "--content-server", server.baseURL, "--json"],
                configHome: home.directory, environment: ["THREEDP_CONTENT_TOKEN": issued.token])
            #expect(started.status == 0, "\(started.stderr)")
            let answer = try JSONValue.parse(Array(started.stdout.utf8))
            let jobId = try #require(answer["job"]?["jobId"]?.stringValue)
            #expect(!started.stdout.contains(issued.token))
            let (finished, _) = try await PrintStartTests.finalState(agent, subscription, jobId: jobId)
            #expect(finished["state"] == "completed")

            let untrusted = try await ClientProcess.run(
                ["client", "start", "--url", agent.baseURL, "--content-server", "https://elsewhere.example", "--token", "abc"],
                configHome: home.directory)
            #expect(untrusted.status == 1, "\(untrusted.stdout)\(untrusted.stderr)")
            #expect(untrusted.stderr.contains("not one of the configured content servers"), "\(untrusted.stderr)")
        }
    }
}
