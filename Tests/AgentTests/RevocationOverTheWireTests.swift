import Agent
import Endpoint
import Foundation
import HummingbirdWSClient
import Logging
import Testing
import TestSupport
import ThreeDPProtocol

/// `3dp-agent pair --revoke ID`, run as the real command in a child process while the daemon serves that Manager:
/// its WebSocket is closed with 1008 and the reason, a console line it sends no longer reaches the printer, and its
/// pending long poll answers at once (issue 14, finding 2).
@Suite(.serialized, .timeLimit(.minutes(2)))
struct RevocationOverTheWireTests {
    @Test func revokingFromAnotherProcessClosesTheSessionAndEndsTheLongPoll() async throws {
        try await AgentUnderTest.with { agent in
            let token = try await agent.pair(clientName: "to be revoked")
            let config = agent.stateDirectory.appendingPathComponent("agent.toml")
            try "[agent]\nstate_directory = \"\(agent.stateDirectory.path)\"\n".write(to: config, atomically: true, encoding: .utf8)

            // A long poll of the same client, waiting for callbacks that will not come.
            let subscription = try await agent.result("events.subscribe", ["topics": ["printer.error"]], token: token)
            let pollRequest = JSONRPCRequest(id: "p", method: "events.poll", params: [
                "subscriptionId": try #require(subscription["subscriptionId"]), "timeoutSeconds": 60])
            let longPoll = Task { try await agent.post(try pollRequest.encoded(), token: token) }

            let (ready, readySink) = AsyncStream.makeStream(of: String.self)
            let (revoked, revokedSink) = AsyncStream.makeStream(of: Void.self)
            var logger = Logger(label: "client")
            logger.logLevel = .error
            let socket = Task { () throws -> (WebSocketCloseFrame?, [JSONValue]) in
                let afterRevoke = Shared<[JSONValue]>([])
                let closing = try await WebSocketClient.connect(url: "ws://127.0.0.1:\(agent.port)/3dp/v1/ws", logger: logger) { inbound, outbound, _ in
                    var messages = inbound.messages(maxSize: 1 << 20).makeAsyncIterator()
                    var clientID = ""
                    for (id, method, params) in [("a", "session.authenticate", ["accessToken": JSONValue.string(token)]),
                                                 ("s", "events.subscribe", [:])] {
                        try await outbound.write(.text(String(decoding: try JSONRPCRequest(id: id, method: method, params: params).encoded(), as: UTF8.self)))
                        while case .text(let text)? = try await messages.next() {
                            let message = try JSONValue.parse(Array(text.utf8))
                            guard message["id"]?.stringValue == id else { continue }
                            if let client = message["result"]?["clientId"]?.stringValue { clientID = client }
                            break
                        }
                    }
                    readySink.yield(clientID)
                    var waitRevoked = revoked.makeAsyncIterator()
                    await waitRevoked.next()
                    // The close may already be on its way; if not, this line must be refused.
                    let gcode = try JSONRPCRequest(id: "g", method: "printer.gcode", params: ["serviceId": "vp1", "lines": ["M117 after revoke"]]).encoded()
                    try? await outbound.write(.text(String(decoding: gcode, as: UTF8.self)))
                    while let message = try await messages.next() {
                        if case .text(let text) = message, let json = try? JSONValue.parse(Array(text.utf8)) { afterRevoke.withLock { $0.append(json) } }
                    }
                }
                return (closing, afterRevoke.withLock { $0 })
            }

            var readyIterator = ready.makeAsyncIterator()
            let clientID = try #require(await readyIterator.next())
            #expect(!clientID.isEmpty)

            let started = ContinuousClock.now
            let outcome = try await ClientProcess.run(["pair", "--revoke", clientID, "--config", config.path],
                                                      configHome: agent.stateDirectory)
            #expect(outcome.status == 0, "\(outcome.stderr)")
            revokedSink.yield()

            let (closing, afterRevoke) = try await Self.value(of: socket, within: .seconds(5), "the WebSocket was not closed")
            #expect(closing?.closeCode == .policyViolation)
            #expect(closing?.reason == "the access token was revoked")
            let gcodeAnswer = afterRevoke.first { $0["id"]?.stringValue == "g" }
            #expect(gcodeAnswer == nil || gcodeAnswer?["error"]?["code"]?.intValue == JSONRPCError.authenticationFailedCode)
            #expect(agent.printer.displayMessage != "after revoke", "the revoked session's console line never ran")

            let pollAnswer = try await Self.value(of: longPoll, within: .seconds(5), "the long poll did not end")
            #expect(pollAnswer.json?["error"]?["code"]?.intValue == JSONRPCError.authenticationFailedCode)
            #expect(ContinuousClock.now - started < .seconds(5))
            // And HTTP with that token is refused, as before.
            #expect(try await agent.errorCode("printer.status", ["serviceId": "vp1"], token: token) == JSONRPCError.authenticationFailedCode)
        }
    }

    /// The task's value, or a failure once `limit` has passed (the task is then cancelled): a test of "at once"
    /// must fail, not hang, on a build that never ends the session.
    static func value<T: Sendable>(of task: Task<T, any Error>, within limit: Duration, _ failure: String) async throws -> T {
        let timer = Task {
            try await Task.sleep(for: limit)
            task.cancel()
        }
        defer { timer.cancel() }
        do {
            return try await task.value
        } catch {
            throw AgentTestError("\(failure) within \(limit) (\(error))")
        }
    }
}
