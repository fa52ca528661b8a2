import Endpoint
import Foundation
import Jobs
import Testing
import ThreeDPProtocol

/// Issue 14, finding 5, through the agent as a Manager meets it: a queue database a power cut left empty, an
/// interrupted job whose G-code nothing could remove, files no job owns, and the targets a finished job leaves
/// in `printer.status`. The state directory is prepared before the agent starts, as an earlier run would leave it.
@Suite(.serialized, .timeLimit(.minutes(2)))
struct SpoolAndRestartTests {
    typealias Flow = PrintingThroughTheEndpointTests

    /// A job of printer vp1 whose content came from a content server, saved as an earlier run left it, with its
    /// G-code in the spool when it has any.
    static func saveJob(_ id: String, _ state: PrintJobState, in stateDirectory: URL, gcodeBytes: Int? = 300_000) throws {
        let spool = stateDirectory.appendingPathComponent("spool")
        try FileManager.default.createDirectory(at: spool, withIntermediateDirectories: true)
        let path = spool.appendingPathComponent("\(id).gcode").path
        var job = PrintJob(id: id, serviceId: "vp1", name: "\(id).gcode", contentURI: "https://content.test/\(id)",
                           spoolPath: path,
                           content: ContentDescriptor(server: "https://content.test", contentId: id, mediaType: "text/x.gcode",
                                                      size: Int64(gcodeBytes ?? 0), sha256: String(repeating: "ab", count: 32)),
                           state: state, totalLines: 1000, createdAt: Date())
        job.lastConfirmedFileLine = 420
        if state.isFinished { job.finishedAt = Date() }
        let store = try JobStore.open(path: stateDirectory.appendingPathComponent("queue.sqlite").path)
        try store.save(job)
        if let gcodeBytes { try Data(repeating: UInt8(ascii: "G"), count: gcodeBytes).write(to: URL(fileURLWithPath: path)) }
    }

    static func exists(_ url: URL) -> Bool { FileManager.default.fileExists(atPath: url.path) }

    @Test func printStopDismissesAnInterruptedJobAndFreesItsGCode() async throws {
        // A job on the printer when the agent died comes back interrupted, its G-code kept for a restart.
        try await AgentUnderTest.with(prepareState: { try Self.saveJob("job-cut", .printing, in: $0) }) { agent in
            let gcode = agent.stateDirectory.appendingPathComponent("spool/job-cut.gcode")
            let listed = try await agent.result("queue.list", ["include": "finished"], token: agent.harnessToken)
            #expect(listed["jobs"]?.arrayValue?.first?["state"] == "interrupted")
            #expect(Self.exists(gcode))

            let stopped = try await agent.result("print.stop", ["jobId": "job-cut"], token: agent.harnessToken)
            #expect(stopped["job"]?["state"] == "interrupted")
            #expect(stopped["job"]?["message"]?.stringValue?.contains("dismissed, 300000 bytes freed in the spool") == true,
                    "\(stopped)")
            #expect(!Self.exists(gcode))
            // The hold stays: the half-printed part may still be on the bed; releasing it is print.resume's.
            let status = try await agent.result("printer.status", ["serviceId": "vp1"], token: agent.harnessToken)
            #expect(status["queueHold"]?.stringValue?.contains("job-cut") == true)
            // Dismissed once, it holds nothing more.
            #expect(try await agent.errorCode("print.stop", ["jobId": "job-cut"], token: agent.harnessToken) == 4)
            let history = try await agent.result("history.list", ["serviceId": "vp1"], token: agent.harnessToken)
            #expect(history["jobs"]?.arrayValue?.map { $0["jobId"]?.stringValue } == ["job-cut"])
        }
    }

    @Test func queueRemoveTakesAFinishedOrWaitingJobAwayWithItsFiles() async throws {
        try await AgentUnderTest.with(prepareState: { state in
            try Self.saveJob("job-cut", .printing, in: state)
            try Self.saveJob("job-failed", .failed, in: state, gcodeBytes: nil)
        }) { agent in
            let token = agent.harnessToken
            let gcode = agent.stateDirectory.appendingPathComponent("spool/job-cut.gcode")
            let removed = try await agent.result("queue.remove", ["serviceId": "vp1", "jobId": "job-cut"], token: token)
            #expect(removed["job"]?["jobId"] == "job-cut")
            #expect(!Self.exists(gcode))
            _ = try await agent.result("queue.remove", ["serviceId": "vp1", "jobId": "job-failed"], token: token)
            let all = try await agent.result("queue.list", ["include": "all"], token: token)
            #expect(all["jobs"]?.arrayValue == [])
            #expect(try await agent.result("history.list", [:], token: token)["jobs"]?.arrayValue == [])

            #expect(try await agent.errorCode("queue.remove", ["serviceId": "vp1", "jobId": "job-cut"], token: token) == 0x2D00_0401)
            #expect(try await agent.errorCode("queue.remove", ["serviceId": "vp1"], token: token) == -32602)
            #expect(try await agent.errorCode("queue.remove", ["serviceId": "vp1", "jobId": "x", "force": true], token: token) == -32602)
        }
        // Gone from the database too: nothing of them comes back after a restart.
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("3dp-remove-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: state) }
        try Self.saveJob("job-a", .failed, in: state, gcodeBytes: nil)
        let store = try JobStore.open(path: state.appendingPathComponent("queue.sqlite").path)
        try store.delete("job-a")
        #expect(try store.allJobIds().isEmpty)
    }

    /// What a power cut can leave: a zero-length queue.sqlite. Before, SQLite took it for a new database and the
    /// agent started with an empty queue, no hold and no word.
    @Test func aZeroLengthQueueDatabaseIsKeptAsideAndEveryQueueHeld() async throws {
        var pairedBefore: String?
        try await AgentUnderTest.with(prepareState: { state in
            // The paired clients live in the same file: they are lost with it, and their Managers pair again.
            pairedBefore = try AccessTokenStore(directory: state).issue(label: "lost", now: Date()).token
            let spool = state.appendingPathComponent("spool")
            try FileManager.default.createDirectory(at: spool, withIntermediateDirectories: true)
            _ = FileManager.default.createFile(atPath: state.appendingPathComponent("queue.sqlite").path, contents: Data())
            try Data("G28\nG1 X10\n".utf8).write(to: spool.appendingPathComponent("job-lost.gcode"))
            try Data(count: 4096).write(to: spool.appendingPathComponent("job-lost2.part"))
        }) { agent in
            let status = try await agent.result("printer.status", ["serviceId": "vp1"], token: agent.harnessToken)
            let hold = try #require(status["queueHold"]?.stringValue, "\(status)")
            #expect(hold.contains("the print queue database could not be read (the file is empty (0 bytes)"), "\(hold)")
            #expect(hold.contains("Managers paired before must pair again"), "\(hold)")
            let lost = try #require(pairedBefore)
            #expect(try await agent.errorCode("printer.status", ["serviceId": "vp1"], token: lost) == JSONRPCError.authenticationFailedCode)
            let names = try FileManager.default.contentsOfDirectory(atPath: agent.stateDirectory.path)
            let keptAside = try #require(names.first { $0.hasPrefix("queue.sqlite.broken-") }, "\(names)")
            #expect(hold.contains(keptAside))
            let kept = agent.stateDirectory.appendingPathComponent(keptAside).path
            #expect(try FileManager.default.attributesOfItem(atPath: kept)[.size] as? Int == 0)
            // The files of the lost jobs: the G-code moved beside the spool, the unfinished download removed.
            #expect(Self.exists(agent.stateDirectory.appendingPathComponent("orphans/job-lost.gcode")))
            #expect(!Self.exists(agent.stateDirectory.appendingPathComponent("spool/job-lost.gcode")))
            #expect(!Self.exists(agent.stateDirectory.appendingPathComponent("spool/job-lost2.part")))
            // Whether a job was printing when the power went is not known any more: the heaters go off, as after a
            // crash (and only that: nothing moves).
            try await agent.waitForStatus(topic: "printer.temperature") { _ in
                agent.printer.executedCommands.contains("M104 S0") && agent.printer.executedCommands.contains("M140 S0")
            }
            #expect(!agent.printer.executedCommands.contains { $0.hasPrefix("G") || $0.hasPrefix("M84") })
            // Nothing starts until a person releases the queue.
            _ = try await agent.result("print.resume", ["serviceId": "vp1"], token: agent.harnessToken)
            let released = try await agent.result("printer.status", ["serviceId": "vp1"], token: agent.harnessToken)
            #expect(released["queueHold"] == .null)
        }
    }

    /// The job's targets (200/60) must not stay in printer.status as the printer's once the job is over: its
    /// completion script switched the heaters off, and the printer's own report says so. Before, the last status
    /// callback (idle) carried 200/60 and no other followed: status callbacks stop when the printer is idle.
    /// Real-time heaters (time scale 1), so that the printer reports every 2 s, as a real one does.
    @Test func afterAJobTheStatusShowsThePrintersTargetsNotTheJobs() async throws {
        try await AgentUnderTest.with(statusInterval: .milliseconds(100), configurePrinter: { $0.timeScale = 1 }) { agent in
            let fixtures = try GCodeFixtures()
            defer { fixtures.remove() }
            let file = try fixtures.write("M104 S200\nM140 S60\nM105\nG1 X1\nG1 X2\n", name: "hot.gcode")
            let subscription = try await agent.result("events.subscribe", ["serviceId": "vp1"], token: agent.harnessToken)
            let id = try #require(subscription["subscriptionId"])
            let service = try #require(agent.fleet.service("vp1"))
            _ = try await service.enqueue(gcodeFile: file, name: "hot")

            // A client's queue replaces an undelivered status with the newer one in its place, so a status may come
            // before the job's `completed` though it was sent after: every status counts, the last one most.
            var statuses: [JSONValue] = []
            var completed = false
            let deadline = ContinuousClock.now + .seconds(30)
            while ContinuousClock.now < deadline {
                for callback in try await agent.poll(id, seconds: 5) {
                    if Flow.isJobState("completed")(callback), !completed {
                        completed = true
                        let status = try await agent.result("printer.status", ["serviceId": "vp1"], token: agent.harnessToken)
                        #expect(status["nozzles"]?[0]?["target"] != 200 && status["bed"]?["target"] != 60,
                                "the job's targets shown as the printer's: \(status)")
                    }
                    if callback["callbackId"] == "printer.status", let result = callback["result"] { statuses.append(result) }
                }
                if completed, let last = statuses.last, last["state"] == "idle", last["nozzles"]?[0]?["target"] == 0 { break }
            }
            #expect(completed)
            #expect(agent.printer.executedCommands.contains("M104 S200"))
            // No status of the idle printer gave the job's targets as the printer's...
            let idle = statuses.filter { $0["state"] == "idle" }
            #expect(idle.allSatisfy { $0["nozzles"]?[0]?["target"] != 200 && $0["bed"]?["target"] != 60 }, "\(idle)")
            // ...and the printer's next report, asked for at once, went out as the last status of the idle printer.
            #expect(statuses.last?["state"] == "idle", "\(statuses.suffix(3))")
            #expect(statuses.last?["nozzles"]?[0]?["target"] == 0 && statuses.last?["bed"]?["target"] == 0, "\(statuses.suffix(3))")
        }
    }
}
