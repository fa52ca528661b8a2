import ContentServer
import Foundation
import Testing

/// `queue.remove` of a job whose content is still downloading: the download is cut off, the job is gone from the
/// queue and the history, and nothing of it stays in the spool.
@Suite(.serialized, .timeLimit(.minutes(2))) struct QueueRemoveTests {
    typealias Flow = PrintStartTests

    @Test func removingAJobWhileItDownloadsCutsItOffAndLeavesNothing() async throws {
        try await Flow.withAgentAndContent(["slow.gcode": Flow.gcode(moves: 20_000)],
                                           faults: ContentFaults(bytesPerSecond: 50_000)) { agent, server, spool in
            let token = agent.harnessToken
            let subscription = try await Flow.subscribe(agent)
            let jobId = try #require(try await Flow.start(agent, server, contentId: "slow.gcode")["job"]?["jobId"]?.stringValue)
            _ = try await Flow.Collect.collect(agent, subscription) {
                $0["callbackId"] == "job.progress" && ($0["result"]?["bytesDownloaded"]?.intValue ?? 0) > 0
            }
            let removed = try await agent.result("queue.remove", ["serviceId": "vp1", "jobId": .string(jobId)], token: token)
            #expect(removed["job"]?["jobId"]?.stringValue == jobId)
            #expect(removed["queue"]?.arrayValue?.isEmpty == true)
            // The queue says so at once.
            _ = try await Flow.Collect.collect(agent, subscription) {
                $0["callbackId"] == "queue.changed" && $0["result"]?["queue"]?.arrayValue?.isEmpty == true
            }
            #expect(try await agent.result("queue.list", ["include": "all"], token: token)["jobs"]?.arrayValue == [])
            #expect(try await agent.result("history.list", [:], token: token)["jobs"]?.arrayValue == [])
            #expect(Flow.spoolFiles(spool).isEmpty, "\(Flow.spoolFiles(spool))")
            // A print still starts afterwards: the preparation loop goes on.
            await server.setFaults(.none)
            let next = try #require(try await Flow.start(agent, server, contentId: "slow.gcode")["job"]?["jobId"]?.stringValue)
            let (finished, _) = try await Flow.finalState(agent, subscription, jobId: next)
            #expect(finished["state"] == "completed")
        }
    }
}
