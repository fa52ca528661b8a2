import Agent
import Endpoint
import Foundation
import HummingbirdWSClient
import Logging
import Testing
import TestSupport
import ThreeDPProtocol

/// The soak test of issue 14: a Manager prints on the virtual printer (`print.start` with a token from the
/// reference content server; the agent downloads, checks and prints) and follows the job while, on loopback, 1,000
/// idle sockets, slowloris heads, slow bodies (from a process of their own) and a seeded fuzzer hit the endpoint.
/// Nothing may be lost and the print must be exact: every G-code line in the printer's log once, in order; every
/// state change and a growing progress reach the Manager; every fuzzed message gets an answer; the Manager's
/// requests are all answered (the bound here is 3 s: the soak runs the printer, the fuzzer and the flood on two
/// cores at once; the one-second bound under a flood is `FloodTests`'). Bounded: the print is 30,000 short moves,
/// the flood and the fuzzer stop with it.
@Suite(.serialized, .timeLimit(.minutes(4)))
struct SoakTests {
    @Test func aManagerPrintsExactlyWhileIdleSocketsSlowClientsAndAFuzzerHitTheEndpoint() async throws {
        _ = RawConnection.raiseOpenFileLimit()
        let fixtures = try GCodeFixtures()
        defer { fixtures.remove() }
        let (file, commands) = try fixtures.denseSegments(30_000)
        let text = try String(contentsOfFile: file, encoding: .utf8)
        try await PrintStartTests.withAgentAndContent(["soak.gcode": text]) { agent, server, _ in
            let port = agent.port
            let token = agent.harnessToken

            // The Manager's callbacks, on a WebSocket of its own.
            let (subscribed, subscribedSink) = AsyncStream.makeStream(of: Void.self)
            var logger = Logger(label: "manager")
            logger.logLevel = .error
            let watcher = Task { () throws -> [JSONValue] in
                let callbacks = Shared<[JSONValue]>([])
                _ = try await WebSocketClient.connect(url: "ws://127.0.0.1:\(port)/3dp/v1/ws", logger: logger) { inbound, outbound, _ in
                    var messages = inbound.messages(maxSize: 1 << 20).makeAsyncIterator()
                    for (id, method, params) in [("a", "session.authenticate", ["accessToken": JSONValue.string(token)]),
                                                 ("s", "events.subscribe", ["serviceId": "vp1", "topics": ["job.state", "job.progress"]])] {
                        try await outbound.write(.text(String(decoding: try JSONRPCRequest(id: id, method: method, params: params).encoded(), as: UTF8.self)))
                        while case .text(let text)? = try await messages.next(),
                              (try? JSONValue.parse(Array(text.utf8)))?["id"]?.stringValue != id {}
                    }
                    subscribedSink.yield()
                    while case .text(let text)? = try await messages.next() {
                        let callback = try JSONValue.parse(Array(text.utf8))
                        callbacks.withLock { $0.append(callback) }
                        if callback["callbackId"] == "job.state",
                           ["completed", "failed", "cancelled", "interrupted"].contains(callback["result"]?["job"]?["state"]?.stringValue ?? "") {
                            try await outbound.close(.normalClosure, reason: nil)
                            return
                        }
                    }
                }
                return callbacks.withLock { $0 }
            }
            var waitSubscribed = subscribed.makeAsyncIterator()
            await waitSubscribed.next()

            let probe = try await RawConnection.onThread { Result { try ManagerProbe(port: port, token: token) } }.get()
            let flood = try ClientProcess(["bench", "flood", "--port", "\(port)", "--idle", "1000", "--slowloris", "100",
                                           "--slow-bodies", "50", "--interval", "3", "--reopen-delay", "1", "--seconds", "200", "--sources", "2-60",
                                           "--until-end-of-input"], configHome: agent.stateDirectory.appendingPathComponent("flood-home"))
            #expect(await flood.nextLine() == "flooding")
            let stopFuzzing = Shared(false)
            async let fuzzed = RawConnection.onThread { LoopbackFuzzer(port: port).run(stop: stopFuzzing) }

            let started = ContinuousClock.now
            let issued = try await server.issueToken(contentId: "soak.gcode")
            let begun = try await agent.result("print.start", [
                "serviceId": "vp1", "contentServer": .string(server.baseURL), "token": .string(issued.token),
            ], token: token)
            let jobId = try #require(begun["job"]?["jobId"]?.stringValue)
            var webSocket: [Duration?] = []
            var http: [Duration?] = []
            while ContinuousClock.now - started < .seconds(180) {
                webSocket.append(await RawConnection.onThread { probe.overWebSocket() })
                http.append(await RawConnection.onThread { probe.overHTTP() })
                let state = try await agent.result("queue.list", ["include": "all"], token: token)["jobs"]?.arrayValue?
                    .first { $0["jobId"]?.stringValue == jobId }?["state"]?.stringValue
                if ["completed", "failed", "cancelled", "interrupted"].contains(state ?? "") { break }
                // Pace the probes: one pair a second, over the whole print.
                try await Task.sleep(for: .seconds(1))
            }
            let printSeconds = ContinuousClock.now - started
            stopFuzzing.withLock { $0 = true }
            let tally = await fuzzed
            flood.closeInput()
            let floodOutcome = await flood.finished()
            let callbacks = try await RevocationOverTheWireTests.value(of: watcher, within: .seconds(10), "the Manager's WebSocket did not end")

            // The print is exact.
            let moves = agent.printer.executedCommands.filter { $0.hasPrefix("G1 ") }
            #expect(moves.count == commands.count)
            #expect(moves == commands, "every line once, in order")
            // Nothing lost on the Manager's side.
            let states = callbacks.filter { $0["callbackId"] == "job.state" }.compactMap { $0["result"]?["job"]?["state"]?.stringValue }
            #expect(states.last == "completed")
            for (earlier, later) in [("downloading", "ready"), ("ready", "printing"), ("printing", "completed")] {
                #expect((states.firstIndex(of: earlier) ?? .max) < (states.lastIndex(of: later) ?? -1), "\(states)")
            }
            let progress = callbacks.compactMap { $0["callbackId"] == "job.progress" ? $0["result"]?["confirmedLines"]?.intValue : nil }
            #expect(!progress.isEmpty && progress == progress.sorted(), "progress only grows")
            #expect(Set(callbacks.compactMap { $0["id"]?.stringValue }).count == callbacks.count, "every callback once")
            // Answered throughout.
            #expect(webSocket.allSatisfy { $0 != nil && $0! < .seconds(3) }, "WebSocket answers: \(webSocket)")
            #expect(http.allSatisfy { $0 != nil && $0! < .seconds(3) }, "HTTP answers on new connections: \(http)")
            // The fuzzer was answered every time, never with a server error.
            #expect(tally.sent > 100 && tally.unanswered == 0 && tally.serverErrors == 0, "fuzzer: \(tally)")
            let within = { (samples: [Duration?]) in samples.filter { $0 != nil && $0! < .seconds(1) }.count }
            print("soak: \(commands.count) lines fetched and printed exactly in \(printSeconds); under 1 s: WebSocket \(within(webSocket))/\(webSocket.count), HTTP \(within(http))/\(http.count); Manager WebSocket max \(webSocket.compactMap { $0 }.max() ?? .zero), "
                  + "HTTP max \(http.compactMap { $0 }.max() ?? .zero) over \(http.count) probes; \(callbacks.count) callbacks; "
                  + "fuzzer \(tally); flood \(floodOutcome.lines.last ?? "?")")
        }
    }
}
