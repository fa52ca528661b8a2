import Content
import ContentServer
import Foundation
import Testing

/// A server that lies or trickles cannot keep a download going for ever (issue 14, finding 4): against the
/// reference content server's faults on loopback. On a client without bounds each of these ran until the suite's
/// time limit.
@Suite(.serialized, .timeLimit(.minutes(1)))
struct DownloadBoundsLoopbackTests {
    static let size = 256 << 10

    func download(_ content: LoopbackContent, _ settings: ContentSettings) async throws -> DownloadedContent {
        let token = try await content.token()
        return try await content.withClient(settings) { client in
            let selection = try await client.selection(server: content.server.baseURL, token: token)
            return try await client.download(selection, server: content.server.baseURL, token: token,
                                             partPath: content.partPath, finalPath: content.finalPath) { _ in }
        }
    }

    /// Ignores `Range`, answers 200 with the same short body every time: bytes arrive, but the part never gets
    /// longer than it was, so that is no progress.
    @Test func aServerThatIgnoresRangeAndSendsAShortBodyFailsTheDownload() async throws {
        let faults = ContentFaults(ignoreRange: true, shortBodyBytes: Int64(Self.size - 1000))
        try await LoopbackContent.with(size: Self.size, faults: faults) { content in
            let error = await #expect(throws: ContentError.self) { try await download(content, content.settings()) }
            guard case .downloadFailed(let why)? = error else { Issue.record("\(String(describing: error))"); return }
            #expect(why.contains("the response ended after \(Self.size - 1000) of \(Self.size) bytes"), "\(why)")
            #expect(why.contains("after 4 attempts in a row without progress"), "\(why)")
            let requests = await content.contentRequests()
            #expect(requests.count == 4, "\(requests.map(\.range))")
            #expect(requests.dropFirst().allSatisfy { $0.range == "bytes=\(Self.size - 1000)-" && $0.status == 200 })
            #expect(!content.fileExists(content.finalPath))
        }
    }

    /// One byte every 50 ms never trips the idle timeout; the deadline (1 s plus 256 KiB at 256 KiB/s) ends it.
    @Test func aTrickleEndsAtTheDeadline() async throws {
        try await LoopbackContent.with(size: Self.size, faults: ContentFaults(trickleMilliseconds: 50)) { content in
            var settings = content.settings()
            settings.bounds = DownloadBounds(minimumBytesPerSecond: Int64(Self.size), allowance: .seconds(1))
            let started = ContinuousClock.now
            let error = await #expect(throws: ContentError.self) { try await download(content, settings) }
            let elapsed = ContinuousClock.now - started
            guard case .downloadFailed(let why)? = error else { Issue.record("\(String(describing: error))"); return }
            #expect(why.contains("it took longer than the 2 s allowed (1 s plus \(Self.size) bytes at \(Self.size) bytes/s"), "\(why)")
            #expect(why.contains("of \(Self.size) bytes arrived"), "\(why)")
            #expect(elapsed >= .seconds(2) && elapsed < .seconds(10), "\(elapsed)")
            #expect(!content.fileExists(content.finalPath))
        }
    }

    /// Every attempt makes progress (the connection drops after 16 KiB, the next resumes), but 5 failed attempts
    /// in all end the download where 16 would have been needed.
    @Test func failedAttemptsAreCountedWhateverTheirCause() async throws {
        try await LoopbackContent.with(size: Self.size, faults: ContentFaults(dropAfterBytes: 16 << 10, dropCount: 1000)) { content in
            var settings = content.settings()
            settings.bounds.attempts = 5
            let error = await #expect(throws: ContentError.self) { try await download(content, settings) }
            guard case .downloadFailed(let why)? = error else { Issue.record("\(String(describing: error))"); return }
            #expect(why.contains("after 5 failed attempts, the most allowed for one download"), "\(why)")
            #expect(await content.contentRequests().count == 5)
            // What arrived is kept: a later download resumes from it.
            let kept = try #require(try FileManager.default.attributesOfItem(atPath: content.partPath)[.size] as? Int)
            #expect(kept == 5 * (16 << 10))
        }
    }

    /// A fault-free download is untouched by the bounds.
    @Test func anHonestServerStaysWithinTheBounds() async throws {
        try await LoopbackContent.with(size: Self.size) { content in
            var settings = content.settings()
            settings.bounds = DownloadBounds(attempts: 1, minimumBytesPerSecond: 1 << 20, allowance: .seconds(5))
            let downloaded = try await download(content, settings)
            #expect(downloaded.sha256 == content.sha256)
            #expect(downloaded.attempts == 1)
        }
    }

    @Test func theDeadlineIsTheAllowancePlusTheMissingBytesAtTheMinimumRate() {
        let bounds = DownloadBounds()
        #expect(bounds.deadline(missingBytes: 3 << 20) == .seconds(120 + 192))
        #expect(bounds.deadline(missingBytes: 0) == .seconds(120))
        #expect(bounds.deadline(missingBytes: -5) == .seconds(120))
        #expect(DownloadBounds(minimumBytesPerSecond: 1000, allowance: .zero).deadline(missingBytes: 1500) == .milliseconds(1500))
        #expect(bounds.deadline(missingBytes: .max) > .seconds(1 << 40))
        #expect(bounds.allowsAnotherAttempt(afterFailures: 19))
        #expect(!bounds.allowsAnotherAttempt(afterFailures: 20))
    }
}
