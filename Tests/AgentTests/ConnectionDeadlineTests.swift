import Agent
import Endpoint
import Foundation
import Testing

/// Connections that never end (issue 14, finding 3): a request head that never finishes, a body a byte at a
/// time, a kept-alive connection nobody uses, a WebSocket that never authenticates. Each is closed at its
/// deadline (shortened here to a second or two), while a Manager meanwhile is answered as usual.
@Suite(.serialized, .timeLimit(.minutes(2)))
struct ConnectionDeadlineTests {
    static let quick = EndpointNetworkPolicy(
        maxConnections: 64, maxConnectionsPerAddress: 16, requestHeadTimeout: .seconds(1), requestBodyTimeout: .seconds(2),
        keepAliveTimeout: .seconds(2), webSocketAuthenticationTimeout: .seconds(1))

    /// How long after `start` the agent closed the connection, or nil when it was still open `patience` later.
    private static func closing(_ connection: RawConnection, since start: ContinuousClock.Instant, patience: Duration,
                                dribble: [UInt8]? = nil) -> Duration? {
        let end = start + patience
        while ContinuousClock.now < end {
            if let dribble, !connection.send(dribble) { return ContinuousClock.now - start }
            switch connection.receive(timeout: .milliseconds(300)) {
            case .closed: return ContinuousClock.now - start
            case .bytes, .timedOut: continue
            }
        }
        return nil
    }

    @Test func slowHeadsSlowBodiesIdleConnectionsAndSilentWebSocketsAreClosedAtTheirDeadlines() async throws {
        try await AgentUnderTest.with(networkPolicy: Self.quick) { agent in
            let port = agent.port
            let token = agent.harnessToken
            let subscribed = try await agent.result("events.subscribe", ["topics": ["printer.error"]], token: token)
            let subscription = try #require(subscribed["subscriptionId"]?.stringValue)
            async let silent = RawConnection.onThread { () -> Duration? in
                guard let connection = try? RawConnection(port: port) else { return nil }
                return Self.closing(connection, since: .now, patience: .seconds(5))
            }
            async let slowloris = RawConnection.onThread { () -> Duration? in
                guard let connection = try? RawConnection(port: port) else { return nil }
                let start = ContinuousClock.now
                connection.send("POST /3dp/v1/rpc HTTP/1.1\r\nHost: 127.0.0.1\r\n")
                return Self.closing(connection, since: start, patience: .seconds(5), dribble: Array("X-Pad: 1\r\n".utf8))
            }
            async let slowBody = RawConnection.onThread { () -> Duration? in
                guard let connection = try? RawConnection(port: port) else { return nil }
                connection.send("POST /3dp/v1/rpc HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n")
                return Self.closing(connection, since: .now, patience: .seconds(6), dribble: [UInt8(ascii: " ")])
            }
            async let keptAlive = RawConnection.onThread { () -> (answered: Bool, closedAfter: Duration?) in
                guard let connection = try? RawConnection(port: port) else { return (false, nil) }
                let body = #"{"jsonrpc":"2.0","dwapiversion":"1.0","id":"t","method":"agent.time","params":{}}"#
                connection.send("POST /3dp/v1/rpc HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)")
                let (answer, _) = connection.receive(until: { String(decoding: $0, as: UTF8.self).contains(#""synchronised""#) }, timeout: .seconds(3))
                let answered = String(decoding: answer, as: UTF8.self).hasPrefix("HTTP/1.1 200")
                return (answered, Self.closing(connection, since: .now, patience: .seconds(6)))
            }
            async let silentSocket = RawConnection.onThread { () -> (Duration?, (code: Int, reason: String)?) in
                guard let connection = try? RawConnection(port: port) else { return (nil, nil) }
                let start = ContinuousClock.now
                guard RawWebSocket.open(connection, port: port).upgraded else { return (nil, nil) }
                let (bytes, closed) = connection.receive(until: { RawWebSocket.closeFrame(in: $0) != nil }, timeout: .seconds(5))
                let close = RawWebSocket.closeFrame(in: bytes)
                return (closed || close != nil ? ContinuousClock.now - start : nil, close)
            }

            let silentClosed = try #require(await silent, "a connection that sends nothing is closed")
            #expect(silentClosed >= .milliseconds(900) && silentClosed < .seconds(3))
            let slowlorisClosed = try #require(await slowloris, "a head sent a line at a time is closed")
            #expect(slowlorisClosed >= .milliseconds(900) && slowlorisClosed < .seconds(3))
            let slowBodyClosed = try #require(await slowBody, "a body sent a byte at a time is closed")
            #expect(slowBodyClosed >= .milliseconds(1900) && slowBodyClosed < .milliseconds(4500))
            let (answered, idleClosed) = await keptAlive
            #expect(answered)
            let keptAliveClosed = try #require(idleClosed, "an idle kept-alive connection is closed")
            #expect(keptAliveClosed >= .milliseconds(1500) && keptAliveClosed < .milliseconds(4500))
            async let longPoll = RawConnection.onThread { () -> (status: String, after: Duration)? in
                guard let connection = try? RawConnection(port: port) else { return nil }
                let start = ContinuousClock.now
                let body = #"{"jsonrpc":"2.0","dwapiversion":"1.0","id":"p","method":"events.poll","params":{"subscriptionId":"\#(subscription)","timeoutSeconds":4}}"#
                connection.send("POST /3dp/v1/rpc HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nAuthorization: Bearer \(token)\r\n"
                                + "Content-Length: \(body.utf8.count)\r\n\r\n\(body)")
                let (answer, _) = connection.receive(until: { $0.count >= 12 }, timeout: .seconds(8))
                return (String(decoding: answer.prefix(12), as: UTF8.self), ContinuousClock.now - start)
            }
            let (socketClosed, close) = await silentSocket
            #expect(socketClosed != nil, "a WebSocket that never authenticates is closed")
            #expect(close?.code == 1008)
            #expect(close?.reason == "not authenticated in time: send session.authenticate first")

            // A long poll outlasts every deadline: its request was read whole, and the answer is the agent's to give.
            let polled = try #require(await longPoll)
            #expect(polled.status == "HTTP/1.1 204")
            #expect(polled.after >= .seconds(4))

            // Meanwhile the agent answers as usual.
            #expect(try await agent.result("printer.status", ["serviceId": "vp1"], token: agent.harnessToken)["state"] == "idle")
        }
    }
}
