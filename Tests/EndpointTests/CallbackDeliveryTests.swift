import Endpoint
import Foundation
import Hummingbird
import HummingbirdWSClient
import Logging
import Testing
import TestSupport
@testable import ThreeDPProtocol

/// Callbacks over a live WebSocket, with the hub driven by the test: authenticate, subscribe, receive; and a client
/// that stops reading is cut off while a reading client keeps getting every callback.
@Suite(.serialized, .timeLimit(.minutes(2)))
struct CallbackDeliveryTests {
    static let token = "3dp_test-token"

    /// A server with only the event methods' gate: `session.authenticate` accepts `token`, and
    /// `events.subscribe` subscribes the connection's mailbox to `job.state`.
    static func withServer(capacity: Int, _ body: @escaping @Sendable (Int, EventHub) async throws -> Void) async throws {
        let hub = EventHub(mailboxCapacity: capacity)
        var methods = MethodTable()
        methods.register("events.subscribe") { _, caller in
            let subscription = hub.subscribe(clientID: caller.clientID ?? "", serviceId: nil, topics: [.jobState],
                                             mailbox: caller.mailbox)
            return .object(["subscriptionId": .string(subscription.id)])
        }
        let dispatcher = RPCDispatcher(methods: methods) { $0 == token ? .paired(clientID: "c1") : .rejected }
        let (ports, portSink) = AsyncStream.makeStream(of: Int.self)
        var logger = Logger(label: "test")
        logger.logLevel = .error
        let app = EndpointApplication.make(dispatcher: dispatcher, hub: hub, port: 0, logger: logger) { portSink.yield($0) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await app.runService() }
            var iterator = ports.makeAsyncIterator()
            let port = try #require(await iterator.next())
            try await body(port, hub)
            group.cancelAll()
        }
    }

    static func request(_ id: String, _ method: String, _ params: [String: JSONValue] = [:]) -> String {
        String(decoding: try! JSONRPCRequest(id: id, method: method, params: params).encoded(), as: UTF8.self)
    }

    static func text(_ message: WebSocketMessage?) -> JSONValue? {
        guard case .text(let text) = message else { return nil }
        return try? JSONValue.parse(Array(text.utf8))
    }

    @Test func aSubscribedWebSocketReceivesCallbacksInOrderWithUniqueIDs() async throws {
        try await Self.withServer(capacity: 64) { port, hub in
            var logger = Logger(label: "client")
            logger.logLevel = .error
            try await WebSocketClient.connect(url: "ws://127.0.0.1:\(port)/3dp/v1/ws", logger: logger) { inbound, outbound, _ in
                var messages = inbound.messages(maxSize: 1 << 20).makeAsyncIterator()
                try await outbound.write(.text(Self.request("1", "events.subscribe")))
                let refused = Self.text(try await messages.next())
                #expect(refused?["error"]?["code"]?.intValue == JSONRPCError.privilegeNotGrantedCode)
                try await outbound.write(.text(Self.request("2", "session.authenticate", ["accessToken": .string(Self.token)])))
                #expect(Self.text(try await messages.next())?["result"]?["clientId"] == "c1")
                try await outbound.write(.text(Self.request("3", "events.subscribe")))
                #expect(Self.text(try await messages.next())?["id"] == "3")
                for index in 0..<20 {
                    hub.publish(.jobState, serviceId: "vp1", result: Array(#"{"n":\#(index)}"#.utf8))
                }
                var ids: Set<String> = []
                for index in 0..<20 {
                    let callback = try #require(Self.text(try await messages.next()))
                    #expect(callback["callbackId"] == "job.state")
                    #expect(callback["dwapiversion"] == "1.0")
                    #expect(callback["result"]?["n"]?.intValue == index)
                    ids.insert(try #require(callback["id"]?.stringValue))
                }
                #expect(ids.count == 20, "every callback has its own id")
                try await outbound.close(.normalClosure, reason: nil)
            }
        }
    }

    @Test func aRequestFrameLargerThanHummingbirdsDefaultIsAnswered() async throws {
        try await Self.withServer(capacity: 64) { port, _ in
            var logger = Logger(label: "client")
            logger.logLevel = .error
            try await WebSocketClient.connect(url: "ws://127.0.0.1:\(port)/3dp/v1/ws",
                                              configuration: .init(maxFrameSize: 1 << 20), logger: logger) { inbound, outbound, _ in
                var messages = inbound.messages(maxSize: 1 << 20).makeAsyncIterator()
                let token = String(repeating: "x", count: 200_000)
                try await outbound.write(.text(Self.request("big", "session.authenticate", ["accessToken": .string(token)])))
                let answer = Self.text(try await messages.next())
                #expect(answer?["id"] == "big")
                #expect(answer?["error"]?["code"]?.intValue == JSONRPCError.authenticationFailedCode)
                try await outbound.close(.normalClosure, reason: nil)
            }
        }
    }

    @Test func aClientThatStopsReadingIsDisconnectedWhileTheOtherKeepsUp() async throws {
        try await Self.withServer(capacity: 16) { port, hub in
            var logger = Logger(label: "client")
            logger.logLevel = .error
            let url = "ws://127.0.0.1:\(port)/3dp/v1/ws"
            let (subscribed, subscribedSink) = AsyncStream.makeStream(of: Void.self)
            let (release, releaseSink) = AsyncStream.makeStream(of: Void.self)
            // The slow client subscribes, then reads nothing until the test is done with it.
            let slow = Task {
                try await WebSocketClient.connect(url: url, logger: logger) { inbound, outbound, _ in
                    var messages = inbound.messages(maxSize: 1 << 20).makeAsyncIterator()
                    try await outbound.write(.text(Self.request("a", "session.authenticate", ["accessToken": .string(Self.token)])))
                    _ = try await messages.next()
                    try await outbound.write(.text(Self.request("s", "events.subscribe")))
                    _ = try await messages.next()
                    subscribedSink.yield()
                    for await _ in release { break }
                }
            }
            var waitSubscribed = subscribed.makeAsyncIterator()
            await waitSubscribed.next()

            let payload = Array(#"{"padding":"\#(String(repeating: "x", count: 4000))"}"#.utf8)
            let deliveredCount = Shared(0)
            try await WebSocketClient.connect(url: url, logger: logger) { inbound, outbound, _ in
                var messages = inbound.messages(maxSize: 1 << 20).makeAsyncIterator()
                try await outbound.write(.text(Self.request("a", "session.authenticate", ["accessToken": .string(Self.token)])))
                _ = try await messages.next()
                try await outbound.write(.text(Self.request("s", "events.subscribe")))
                _ = try await messages.next()
                // Each callback is published after the reading client got the previous one: it must never lag,
                // while the slow client's socket fills up and its mailbox overflows.
                var delivered = 0
                defer { deliveredCount.withLock { $0 = delivered } }
                while hub.subscriptionCount > 1, delivered < 100_000 {
                    hub.publish(.jobState, serviceId: "vp1", result: payload)
                    let callback = try #require(Self.text(try await messages.next()))
                    #expect(callback["callbackId"] == "job.state")
                    delivered += 1
                }
                try await outbound.close(.normalClosure, reason: nil)
            }
            let delivered = deliveredCount.withLock { $0 }
            #expect(hub.subscriptionCount <= 1)
            #expect(delivered < 100_000, "the slow client was cut off after \(delivered) callbacks")
            releaseSink.yield()
            slow.cancel()
            _ = try? await slow.value
        }
    }
}
