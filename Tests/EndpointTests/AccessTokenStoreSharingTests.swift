@testable import Endpoint
import Foundation
import Testing

/// The daemon and `3dp-agent pair --list/--revoke` are separate processes over one file; two stores over one
/// directory stand in for them.
@Suite("Access token store shared with another process")
struct AccessTokenStoreSharingTests {
    private let now = Date(timeIntervalSince1970: 1_795_000_000)

    @Test func aRevokeByAnotherProcessTakesEffectAtOnce() throws {
        let directory = try StateDirectory()
        let daemon = try AccessTokenStore(directory: directory.url)
        let issued = try daemon.issue(label: "plug-in", now: now)
        #expect(daemon.verify(token: issued.token, now: now) != nil)

        let command = try AccessTokenStore(directory: directory.url)
        #expect(try command.revoke(id: issued.id))
        #expect(daemon.verify(token: issued.token, now: now) == nil)
        #expect(daemon.list().isEmpty)
    }

    @Test func tokensIssuedElsewhereAreSeenAndNotOverwritten() throws {
        let directory = try StateDirectory()
        let daemon = try AccessTokenStore(directory: directory.url)
        let other = try AccessTokenStore(directory: directory.url)
        let fromOther = try other.issue(label: "other", now: now)
        let fromDaemon = try daemon.issue(label: "daemon", now: now.addingTimeInterval(1))
        #expect(daemon.verify(token: fromOther.token, now: now) != nil)
        let reloaded = try AccessTokenStore(directory: directory.url)
        #expect(Set(reloaded.list().map(\.id)) == [fromOther.id, fromDaemon.id])
    }

    @Test func deletingTheFileUnpairsEveryone() throws {
        let directory = try StateDirectory()
        let store = try AccessTokenStore(directory: directory.url)
        let issued = try store.issue(label: "a", now: now)
        try FileManager.default.removeItem(at: directory.tokensFile)
        #expect(store.verify(token: issued.token, now: now) == nil)
    }

    @Test func aFileCorruptedWhileRunningKeepsTheTokensInMemory() throws {
        let directory = try StateDirectory()
        let store = try AccessTokenStore(directory: directory.url)
        let issued = try store.issue(label: "a", now: now)
        try directory.write("garbage")
        #expect(store.verify(token: issued.token, now: now) != nil)
        #expect(throws: AccessTokenStoreError.self) { try store.issue(label: "b", now: now) }
        #expect(try directory.contents() == "garbage", "a corrupt file is never overwritten")
    }

    @Test(.timeLimit(.minutes(1)))
    func concurrentRequestHandlers() async throws {
        let directory = try StateDirectory()
        let store = try AccessTokenStore(directory: directory.url)
        let start = now
        let existing = try (0..<4).map { try store.issue(label: "client \($0)", now: start) }
        let verified = await withTaskGroup(of: Int.self) { group in
            for worker in 0..<8 {
                group.addTask {
                    var good = 0
                    for round in 0..<250 {
                        let when = start.addingTimeInterval(Double(round))
                        if store.verify(token: existing[(worker + round) % existing.count].token, now: when) != nil {
                            good += 1
                        }
                    }
                    return good
                }
            }
            group.addTask {
                var issued = 0
                for index in 0..<20 where (try? store.issue(label: "new \(index)", now: start)) != nil { issued += 1 }
                return -issued
            }
            var total = 0
            var issued = 0
            for await count in group { if count >= 0 { total += count } else { issued -= count } }
            return (total, issued)
        }
        #expect(verified.0 == 8 * 250)
        #expect(verified.1 == 20)
        try store.flush()
        let reloaded = try AccessTokenStore(directory: directory.url)
        #expect(reloaded.list().count == 24)
        #expect(reloaded.list() == store.list())
    }
}
