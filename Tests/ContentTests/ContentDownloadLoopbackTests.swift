import Content
import ContentContract
import ContentServer
import Foundation
import Logging
import Testing

/// The content client against the reference content server on loopback, faults injected by the server.
@Suite(.serialized, .timeLimit(.minutes(1)))
struct ContentDownloadLoopbackTests {
    @Test func wholeDownloadIsVerifiedAndMovedIntoPlace() async throws {
        try await LoopbackContent.with { content in
            let token = try await content.token()
            let downloaded = try await content.withClient { client in
                let selection = try await client.selection(server: content.server.baseURL, token: token)
                #expect(selection.size == Int64(LoopbackContent.size))
                #expect(selection.sha256 == content.sha256)
                return try await client.download(selection, server: content.server.baseURL, token: token,
                                                 partPath: content.partPath, finalPath: content.finalPath) { _ in }
            }
            #expect(downloaded == DownloadedContent(path: content.finalPath, size: Int64(LoopbackContent.size),
                                                    sha256: content.sha256, resumedFrom: 0, attempts: 1))
            #expect(try Data(contentsOf: URL(fileURLWithPath: content.finalPath)) == Data(content.bytes))
            #expect(!content.fileExists(content.partPath))
            let requests = await content.contentRequests()
            #expect(requests.map(\.range) == [nil])
            #expect(requests.allSatisfy { $0.hadAuthorization && $0.authorizationValid })
            let lines = content.log.all
            #expect(!lines.isEmpty)
            #expect(lines.allSatisfy { !$0.contains(token) })
        }
    }

    @Test func droppedConnectionResumesWithARangeRequest() async throws {
        try await LoopbackContent.with(faults: ContentFaults(dropAfterBytes: 1 << 20)) { content in
            let token = try await content.token()
            let downloaded = try await content.withClient { client in
                let selection = try await client.selection(server: content.server.baseURL, token: token)
                return try await client.download(selection, server: content.server.baseURL, token: token,
                                                 partPath: content.partPath, finalPath: content.finalPath) { _ in }
            }
            #expect(downloaded.sha256 == content.sha256)
            #expect(downloaded.attempts == 2)
            let ranges = await content.contentRequests().map(\.range)
            #expect(ranges.count == 2)
            #expect(ranges.first == .some(nil))
            let resumedAt = ranges.last??.split(separator: "=").last.flatMap { Int64($0.dropLast()) }
            #expect(resumedAt.map { $0 > 0 && $0 <= 1 << 20 } == true, "\(ranges)")
            #expect(try Data(contentsOf: URL(fileURLWithPath: content.finalPath)) == Data(content.bytes))
        }
    }

    @Test func aCorruptedByteOnceIsDownloadedAgainFromZero() async throws {
        try await LoopbackContent.with(faults: ContentFaults(corruptOffset: 12345, corruptCount: 1)) { content in
            let token = try await content.token()
            let downloaded = try await content.withClient { client in
                let selection = try await client.selection(server: content.server.baseURL, token: token)
                return try await client.download(selection, server: content.server.baseURL, token: token,
                                                 partPath: content.partPath, finalPath: content.finalPath) { _ in }
            }
            #expect(downloaded.sha256 == content.sha256)
            #expect(downloaded.attempts == 2)
            #expect(await content.contentRequests().map(\.range) == [nil, nil])
        }
    }

    @Test func aCorruptedByteTwiceFailsClearlyAndLeavesNoPart() async throws {
        try await LoopbackContent.with(faults: ContentFaults(corruptOffset: 12345, corruptCount: 2)) { content in
            let token = try await content.token()
            let error = await #expect(throws: ContentError.self) {
                try await content.withClient { client in
                    let selection = try await client.selection(server: content.server.baseURL, token: token)
                    return try await client.download(selection, server: content.server.baseURL, token: token,
                                                     partPath: content.partPath, finalPath: content.finalPath) { _ in }
                }
            }
            guard case .integrityFailed? = error else { Issue.record("\(String(describing: error))"); return }
            let text = error?.description ?? ""
            #expect(text.contains("SHA-256 of the download does not match"))
            #expect(text.contains("expected \(content.sha256), got "))
            #expect(text.contains("second time"))
            #expect(!content.fileExists(content.partPath))
            #expect(!content.fileExists(content.finalPath))
            #expect(await content.contentRequests().count == 2)
        }
    }

    @Test func serviceUnavailableTwiceThenSuccess() async throws {
        try await LoopbackContent.with { content in
            let token = try await content.token()
            let downloaded = try await content.withClient { client in
                let selection = try await client.selection(server: content.server.baseURL, token: token)
                await content.server.setFaults(ContentFaults(failStatus: 503, failCount: 2))
                return try await client.download(selection, server: content.server.baseURL, token: token,
                                                 partPath: content.partPath, finalPath: content.finalPath) { _ in }
            }
            #expect(downloaded.attempts == 3)
            #expect(downloaded.sha256 == content.sha256)
            #expect(await content.contentRequests().map(\.status) == [503, 503, 200])
        }
    }

    @Test func aWrongTokenIsRejectedWithoutRetries() async throws {
        try await LoopbackContent.with { content in
            let error = await #expect(throws: ContentError.self) {
                try await content.withClient { client in
                    try await client.selection(server: content.server.baseURL, token: "not-a-token")
                }
            }
            #expect(error == .tokenRejected(status: 401))
            #expect(await content.server.servedRequests().count == 1)
        }
    }

    @Test func anExpiredTokenIsRejectedWithoutRetries() async throws {
        try await LoopbackContent.with { content in
            let token = try await content.token()
            let error = await #expect(throws: ContentError.self) {
                try await content.withClient { client in
                    let selection = try await client.selection(server: content.server.baseURL, token: token)
                    await content.server.expireAllTokens()
                    return try await client.download(selection, server: content.server.baseURL, token: token,
                                                     partPath: content.partPath, finalPath: content.finalPath) { _ in }
                }
            }
            #expect(error == .tokenRejected(status: 401))
            #expect(await content.contentRequests().count == 1)
            #expect(!content.fileExists(content.finalPath))
        }
    }

    @Test func untrustedAndPlainHTTPServersAreNeverContacted() async throws {
        try await LoopbackContent.with { content in
            let token = try await content.token()
            let base = content.server.baseURL
            let elsewhere = [TrustedContentServer(url: "https://content.example.com", name: "elsewhere")]
            let untrusted = await #expect(throws: ContentError.self) {
                try await content.withClient(content.settings(servers: elsewhere)) { client in
                    try await client.selection(server: base, token: token)
                }
            }
            #expect(untrusted == .serverNotTrusted(base))
            let plain = [TrustedContentServer(url: base, name: "no plain http")]
            let refused = await #expect(throws: ContentError.self) {
                try await content.withClient(content.settings(servers: plain)) { client in
                    try await client.selection(server: base, token: token)
                }
            }
            #expect(refused == .plainHTTPNotAllowed(base + "/3dp/v1/selection") || refused == .plainHTTPNotAllowed(base))
            // A selection pointing outside the allowlist is refused before any byte is asked for.
            let foreign = ContentSelection(contentId: "x", name: "x.gcode", uri: "http://127.0.0.2:9/x.gcode", size: 10,
                                           sha256: String(repeating: "a", count: 64), mediaType: "text/x.gcode",
                                           expiresAt: "2030-01-01T00:00:00Z")
            let outside = await #expect(throws: ContentError.self) {
                try await content.withClient { client in
                    try await client.download(foreign, server: base, token: token, partPath: content.partPath,
                                              finalPath: content.finalPath) { _ in }
                }
            }
            #expect(outside == .serverNotTrusted("http://127.0.0.2:9/x.gcode"))
            #expect(await content.server.servedRequests().isEmpty)
        }
    }

    /// The selection points at another trusted server: the content is asked for there without the token.
    @Test func theTokenStaysWithItsOwnOrigin() async throws {
        try await LoopbackContent.with { mirror in
            let folder = mirror.folder.appendingPathComponent("front")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try Data(mirror.bytes).write(to: folder.appendingPathComponent(LoopbackContent.contentId))
            let front = ContentServerSettings(root: folder.path, port: 0, adminKey: "admin", publicURL: mirror.server.baseURL)
            try await ContentServer.serve(front, logger: .init(label: "front", factory: { _ in SwiftLogNoOpLogHandler() })) { server in
                let token = try await server.issueToken(contentId: LoopbackContent.contentId).token
                let servers = [TrustedContentServer(url: server.baseURL, name: "front", allowPlainHTTP: true),
                               TrustedContentServer(url: mirror.server.baseURL, name: "mirror", allowPlainHTTP: true)]
                let error = await #expect(throws: ContentError.self) {
                    try await mirror.withClient(mirror.settings(servers: servers)) { client in
                        let selection = try await client.selection(server: server.baseURL, token: token)
                        #expect(selection.uri.hasPrefix(mirror.server.baseURL))
                        return try await client.download(selection, server: server.baseURL, token: token,
                                                         partPath: mirror.partPath, finalPath: mirror.finalPath) { _ in }
                    }
                }
                // The mirror wants a token of its own: without one it answers 401.
                #expect(error == .tokenRejected(status: 401))
                let atMirror = await mirror.server.servedRequests()
                #expect(atMirror.count == 1)
                #expect(atMirror.allSatisfy { !$0.hadAuthorization })
                #expect(await server.servedRequests().map(\.path) == ["/3dp/v1/selection"])
            }
        }
    }

    @Test func theQuotaIsCheckedBeforeAnyContentRequest() async throws {
        try await LoopbackContent.with { content in
            try Data(count: 1 << 20).write(to: URL(fileURLWithPath: content.spool + "/other-job.gcode"))
            let token = try await content.token()
            let quota = Int64(LoopbackContent.size) + (1 << 20) - 1
            let error = await #expect(throws: ContentError.self) {
                try await content.withClient(content.settings(quota: quota)) { client in
                    let selection = try await client.selection(server: content.server.baseURL, token: token)
                    return try await client.download(selection, server: content.server.baseURL, token: token,
                                                     partPath: content.partPath, finalPath: content.finalPath) { _ in }
                }
            }
            guard case .quotaExceeded? = error else { Issue.record("\(String(describing: error))"); return }
            #expect(await content.contentRequests().isEmpty)
            #expect(!content.fileExists(content.partPath))
        }
    }

    @Test func aFullDiskFailsCleanlyAndLeavesOtherFilesIntact() async throws {
        try await LoopbackContent.with { content in
            let neighbour = URL(fileURLWithPath: content.spool + "/other-job.gcode")
            let neighbourBytes = Data("G28\nG1 X10\n".utf8)
            try neighbourBytes.write(to: neighbour)
            try FileManager.default.createSymbolicLink(atPath: content.partPath, withDestinationPath: "/dev/full")
            let token = try await content.token()
            let error = await #expect(throws: ContentError.self) {
                try await content.withClient { client in
                    let selection = try await client.selection(server: content.server.baseURL, token: token)
                    return try await client.download(selection, server: content.server.baseURL, token: token,
                                                     partPath: content.partPath, finalPath: content.finalPath) { _ in }
                }
            }
            guard case .spoolFull? = error else { Issue.record("\(String(describing: error))"); return }
            #expect(error?.description.contains("No space left on device") == true)
            #expect(try Data(contentsOf: neighbour) == neighbourBytes)
            #expect((try? FileManager.default.destinationOfSymbolicLink(atPath: content.partPath)) == nil)
            #expect(!content.fileExists(content.finalPath))
            #expect(await content.contentRequests().count == 1)
        }
    }

    @Test func aCancelledDownloadKeepsItsPartAndALaterClientResumesIt() async throws {
        try await LoopbackContent.with(faults: ContentFaults(bytesPerSecond: 2 << 20)) { content in
            let token = try await content.token()
            let (progress, sink) = AsyncStream.makeStream(of: DownloadProgress.self)
            let selection = try await content.withClient { client in
                try await client.selection(server: content.server.baseURL, token: token)
            }
            let outcome = try await content.withClient { client in
                let task = Task {
                    try await client.download(selection, server: content.server.baseURL, token: token,
                                              partPath: content.partPath, finalPath: content.finalPath) { sink.yield($0) }
                }
                for await step in progress where step.bytes >= 1 << 20 { break }
                task.cancel()
                return await task.result
            }
            #expect(throws: ContentError.cancelled) { try outcome.get() }
            let kept = try #require(try FileManager.default.attributesOfItem(atPath: content.partPath)[.size] as? Int)
            #expect(kept >= 1 << 20 && kept < LoopbackContent.size)
            #expect(Array(try Data(contentsOf: URL(fileURLWithPath: content.partPath))) == Array(content.bytes.prefix(kept)))

            await content.server.setFaults(.none)
            let downloaded = try await content.withClient { client in
                try await client.download(selection, server: content.server.baseURL, token: token,
                                          partPath: content.partPath, finalPath: content.finalPath) { _ in }
            }
            #expect(downloaded.resumedFrom == Int64(kept))
            #expect(downloaded.sha256 == content.sha256)
            // Requests are recorded as their responses end: the throttled one cut off by the cancel notices the closed
            // connection at its next write and may be recorded after the resumed one.
            #expect(await content.contentRequests().contains { $0.range == "bytes=\(kept)-" && $0.status == 206 })
            #expect(try Data(contentsOf: URL(fileURLWithPath: content.finalPath)) == Data(content.bytes))
        }
    }

    @Test func aCompletePartIsOnlyVerified() async throws {
        try await LoopbackContent.with { content in
            try Data(content.bytes).write(to: URL(fileURLWithPath: content.partPath))
            let token = try await content.token()
            let downloaded = try await content.withClient { client in
                let selection = try await client.selection(server: content.server.baseURL, token: token)
                return try await client.download(selection, server: content.server.baseURL, token: token,
                                                 partPath: content.partPath, finalPath: content.finalPath) { _ in }
            }
            #expect(downloaded.resumedFrom == Int64(LoopbackContent.size))
            #expect(downloaded.attempts == 0)
            #expect(await content.contentRequests().isEmpty)
        }
    }

    @Test func aPartLongerThanTheContentIsDiscarded() async throws {
        try await LoopbackContent.with { content in
            try Data(count: LoopbackContent.size + 1).write(to: URL(fileURLWithPath: content.partPath))
            let token = try await content.token()
            let downloaded = try await content.withClient { client in
                let selection = try await client.selection(server: content.server.baseURL, token: token)
                return try await client.download(selection, server: content.server.baseURL, token: token,
                                                 partPath: content.partPath, finalPath: content.finalPath) { _ in }
            }
            #expect(downloaded.resumedFrom == 0)
            #expect(downloaded.sha256 == content.sha256)
            #expect(await content.contentRequests().map(\.range) == [nil])
        }
    }

    /// A server that stops sending counts as a dropped connection after the idle timeout: retried, then given up.
    @Test func anIdleResponseTimesOutAndIsRetried() async throws {
        try await LoopbackContent.with { content in
            let token = try await content.token()
            var settings = content.settings()
            settings.idleTimeout = .milliseconds(300)
            let error = await #expect(throws: ContentError.self) {
                try await content.withClient(settings) { client in
                    let selection = try await client.selection(server: content.server.baseURL, token: token)
                    await content.server.setFaults(ContentFaults(bytesPerSecond: 1))
                    return try await client.download(selection, server: content.server.baseURL, token: token,
                                                     partPath: content.partPath, finalPath: content.finalPath) { _ in }
                }
            }
            guard case .downloadFailed(let why)? = error else { Issue.record("\(String(describing: error))"); return }
            #expect(why.contains("readTimeout"), "\(why)")
            #expect(why.contains("after 4 attempts in a row without progress"), "\(why)")
            // The server records a request when its response ends, which for the last ones may be later.
            #expect(await content.contentRequests().count <= 4)
        }
    }
}
