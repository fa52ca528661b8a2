import ContentServer
import Foundation
import Testing

/// Issue 14, finding 4, end to end: print.start against a content server that ignores Range and answers a body
/// shorter than the size it announced. The job used to stay `downloading` for ever (375 downloads in 188 s); now
/// it fails with the reason, with the daemon's own retry policy and bounds.
@Suite(.serialized, .timeLimit(.minutes(2))) struct LyingContentServerTests {
    typealias Flow = PrintStartTests

    @Test func aServerThatIgnoresRangeAndSendsAShortBodyFailsTheJobWithTheReason() async throws {
        let text = Flow.gcode(moves: 2000)
        let short = Int64(text.utf8.count - 100)
        try await Flow.withAgentAndContent(["part.gcode": text],
                                           faults: ContentFaults(ignoreRange: true, shortBodyBytes: short)) { agent, server, spool in
            let subscription = try await Flow.subscribe(agent)
            let jobId = try #require(try await Flow.start(agent, server, contentId: "part.gcode")["job"]?["jobId"]?.stringValue)
            let (finished, _) = try await Flow.finalState(agent, subscription, jobId: jobId)
            #expect(finished["state"] == "failed")
            let message = finished["message"]?.stringValue ?? ""
            #expect(message.contains("the response ended after \(short) of \(text.utf8.count) bytes"), "\(message)")
            #expect(message.contains("after 6 attempts in a row without progress"), "\(message)")
            #expect(Flow.spoolFiles(spool).isEmpty, "the failed job's part file is gone")
            #expect(await server.servedRequests().filter { $0.path.hasPrefix("/3dp/v1/contents/") }.count == 6)
        }
    }
}
