@testable import Endpoint
import Foundation
import GRDB
import Jobs
import Logging
import Testing

/// The daemon and `3dp-agent pair --list/--revoke` are separate processes over one database; two stores over one
/// directory (two SQLite connections, as two processes have) stand in for them.
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
        #expect(try daemon.list().isEmpty)
    }

    @Test func tokensIssuedElsewhereAreSeenAndNotOverwritten() throws {
        let directory = try StateDirectory()
        let daemon = try AccessTokenStore(directory: directory.url)
        let other = try AccessTokenStore(directory: directory.url)
        let fromOther = try other.issue(label: "other", now: now)
        let fromDaemon = try daemon.issue(label: "daemon", now: now.addingTimeInterval(1))
        #expect(daemon.verify(token: fromOther.token, now: now) != nil)
        let reloaded = try AccessTokenStore(directory: directory.url)
        #expect(Set(try reloaded.list().map(\.id)) == [fromOther.id, fromDaemon.id])
    }

    @Test func aLastUseWrittenAfterARevokeElsewhereDoesNotBringTheClientBack() throws {
        let directory = try StateDirectory()
        let daemon = try AccessTokenStore(directory: directory.url)
        let kept = try daemon.issue(label: "kept", now: now)
        let revoked = try daemon.issue(label: "revoked", now: now)
        _ = daemon.verify(token: kept.token, now: now)
        _ = daemon.verify(token: revoked.token, now: now.addingTimeInterval(1))
        #expect(try AccessTokenStore(directory: directory.url).revoke(id: revoked.id))
        try daemon.flush()
        #expect(try daemon.list().map(\.id) == [kept.id])
        #expect(try AccessTokenStore(directory: directory.url).list().map(\.id) == [kept.id])
    }

    @Test func aDatabaseThatFailsWhileRunningRefusesTokensAndEndsNoSession() throws {
        let directory = try StateDirectory()
        let store = try AccessTokenStore(database: try JobStore(try DatabaseQueue(path: directory.databaseFile.path)))
        let issued = try store.issue(label: "a", now: now)
        #expect(store.verify(token: issued.token, now: now) != nil)
        // Another connection breaks what this one reads: every read and write of the paired clients fails now.
        try DatabaseQueue(path: directory.databaseFile.path).write { try $0.execute(sql: "DROP TABLE pairedClient") }
        #expect(store.verify(token: issued.token, now: now) == nil, "fails closed")
        #expect(!store.isPaired(id: issued.id))
        #expect(store.currentClientIDs() == nil, "not an empty set: that would end every session")
        #expect(throws: AccessTokenStoreError.self) { try store.issue(label: "b", now: now) }
        #expect(throws: AccessTokenStoreError.self) { try store.list() }
        let hub = EventHub(mailboxCapacity: 4)
        let socket = CallbackMailbox(capacity: 4)
        #expect(hub.attach(socket))
        hub.assign(socket, toClient: issued.id)
        #expect(RevocationWatch(tokens: store, hub: hub, logger: Logger(label: "test")).endRevokedClients() == 0)
        #expect(socket.closing == nil)
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
        #expect(try reloaded.list().count == 24)
        #expect(try reloaded.list() == store.list())
    }
}
