@testable import Endpoint
import Foundation
import Logging
import Testing
import TestSupport
@testable import ThreeDPProtocol

/// Revoking a Manager ends what it has open: its WebSocket sessions and long polls, its subscriptions, and any
/// request on a session it authenticated before (issue 14, finding 2).
@Suite(.serialized, .timeLimit(.minutes(1)))
struct RevocationTests {
    @Test func endingAClientClosesItsSessionsAndPollsAndDropsItsSubscriptionsOnly() {
        let hub = EventHub(mailboxCapacity: 16)
        let socket = CallbackMailbox(capacity: 16)
        #expect(hub.attach(socket))
        hub.assign(socket, toClient: "c1")
        _ = hub.subscribe(clientID: "c1", serviceId: nil, topics: [.jobState], mailbox: socket)
        let poll = hub.subscribe(clientID: "c1", serviceId: nil, topics: [.jobState], mailbox: nil)
        let other = hub.subscribe(clientID: "c2", serviceId: nil, topics: [.jobState], mailbox: nil)
        #expect(hub.activeClientIDs == ["c1", "c2"])

        #expect(hub.endClients(where: { $0 == "c1" }, reason: RevocationWatch.reason) == 2)
        #expect(socket.closing == MailboxClosing(.accessRevoked, RevocationWatch.reason))
        #expect(poll.mailbox.closing?.cause == .accessRevoked)
        #expect(hub.subscription(poll.id) == nil)
        #expect(other.mailbox.closing == nil)
        hub.publish(.jobState, serviceId: "vp1", result: Array("{}".utf8))
        #expect(other.mailbox.drain().count == 1)
        #expect(hub.activeClientIDs == ["c1", "c2"], "the closed socket stays attached until its session ends")
        hub.unsubscribeAll(of: socket)
        #expect(hub.activeClientIDs == ["c2"])
    }

    @Test func aSessionAuthenticatedBeforeTheRevokeRunsNothingAfterIt() async throws {
        let paired = Shared(true)
        let runs = Shared(0)
        var methods = MethodTable()
        methods.register("printer.gcode") { _, _ in
            runs.withLock { $0 += 1 }
            return .object([:])
        }
        let dispatcher = RPCDispatcher(methods: methods, authenticate: { _ in .paired(clientID: "c1") },
                                       stillPaired: { _ in paired.withLock { $0 } })
        var session = RPCCaller(credential: .none)
        let authenticate = #"{"jsonrpc":"2.0","dwapiversion":"1.0","id":"a","method":"session.authenticate","params":{"accessToken":"t"}}"#
        let gcode = #"{"jsonrpc":"2.0","dwapiversion":"1.0","id":"g","method":"printer.gcode","params":{}}"#
        _ = await dispatcher.respond(to: Array(authenticate.utf8), session: &session)
        _ = await dispatcher.respond(to: Array(gcode.utf8), session: &session)
        #expect(runs.withLock { $0 } == 1)

        paired.withLock { $0 = false }
        let refused = try JSONValue.parse(await dispatcher.respond(to: Array(gcode.utf8), session: &session))
        #expect(refused["error"]?["code"]?.intValue == JSONRPCError.authenticationFailedCode)
        #expect(runs.withLock { $0 } == 1, "the revoked session's request never reached the method")
        #expect(session.credential == .rejected)
    }

    @Test func aRevokeByAnotherStoreOverTheSameDatabaseEndsTheClientThroughTheFileWatch() async throws {
        let directory = try StateDirectory()
        let daemon = try AccessTokenStore(directory: directory.url)
        let issued = try daemon.issue(label: "plug-in", now: Date())
        let hub = EventHub(mailboxCapacity: 16)
        let socket = CallbackMailbox(capacity: 16)
        #expect(hub.attach(socket))
        hub.assign(socket, toClient: issued.id)
        var logger = Logger(label: "test")
        logger.logLevel = .error
        // The fallback look is an hour away: only inotify can make this test pass in time.
        let watch = RevocationWatch(tokens: daemon, hub: hub, logger: logger, fallbackInterval: .seconds(3600))
        let changes = watch.watch.changes()
        let running = Task { await watch.run(changes: changes) }
        defer { running.cancel() }

        let started = ContinuousClock.now
        #expect(try AccessTokenStore(directory: directory.url).revoke(id: issued.id))
        let closing = await socket.waitUntilClosed()
        #expect(closing == MailboxClosing(.accessRevoked, RevocationWatch.reason))
        #expect(ContinuousClock.now - started < .seconds(2))
    }
}
