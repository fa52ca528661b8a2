import Agent
import Endpoint
import Foundation
import HummingbirdWSClient
import Logging
import Testing
import ThreeDPProtocol

/// Stopping the agent while a Manager is connected: the client is told why and the shutdown does not wait for it.
@Suite(.serialized, .timeLimit(.minutes(1)))
struct ShutdownTests {
    @Test func aConnectedWebSocketClientIsClosedWithTheReasonAndDoesNotHoldTheShutdown() async throws {
        let agent = try await AgentUnderTest.start()
        let (ready, readySink) = AsyncStream.makeStream(of: Void.self)
        var logger = Logger(label: "client")
        logger.logLevel = .error
        let token = agent.harnessToken
        let client = Task {
            try await WebSocketClient.connect(url: "ws://127.0.0.1:\(agent.port)/3dp/v1/ws", logger: logger) { inbound, outbound, _ in
                var messages = inbound.messages(maxSize: 1 << 20).makeAsyncIterator()
                for (id, method, params) in [("a", "session.authenticate", ["accessToken": JSONValue.string(token)]),
                                             ("s", "events.subscribe", [:])] {
                    let request = try JSONRPCRequest(id: id, method: method, params: params).encoded()
                    try await outbound.write(.text(String(decoding: request, as: UTF8.self)))
                    while case .text(let text)? = try await messages.next(),
                          (try? JSONValue.parse(Array(text.utf8)))?["id"]?.stringValue != id {}
                }
                readySink.yield()
                while try await messages.next() != nil {}
            }
        }
        var waitReady = ready.makeAsyncIterator()
        await waitReady.next()
        await agent.stop()
        let closing = try await client.value
        #expect(closing?.closeCode == .goingAway)
        #expect(closing?.reason == "the agent is shutting down")
    }
}
