import Agent
import Endpoint
import Foundation
import Logging
import Testing
import ThreeDPProtocol

/// What the endpoint refuses from the network (issue 14, finding 3): WebSocket protocol violations closed with the
/// right code, numeric ids echoed, pages from foreign origins and bodies that do not say they are JSON, a pairing
/// lock that one address cannot impose on everyone, and client text that cannot forge log lines.
@Suite(.serialized, .timeLimit(.minutes(2)))
struct EndpointGuardTests {
    /// A POST of `body` from `source` on a connection of its own: the status and the JSON answer.
    static func post(_ body: String, port: Int, from source: String = "127.0.0.1",
                     headers: String = "Content-Type: application/json\r\n") async -> (status: Int, json: JSONValue?) {
        await RawConnection.onThread {
            guard let connection = try? RawConnection(port: port, from: source) else { return (0, nil) }
            connection.send("POST /3dp/v1/rpc HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\n\(headers)Connection: close\r\n"
                            + "Content-Length: \(body.utf8.count)\r\n\r\n\(body)")
            let (bytes, _) = connection.receive(until: { _ in false }, timeout: .seconds(5))
            let text = String(decoding: bytes, as: UTF8.self)
            let status = Int(text.dropFirst(9).prefix(3)) ?? 0
            let json = text.range(of: "\r\n\r\n").flatMap { try? JSONValue.parse(Array(text[$0.upperBound...].utf8)) }
            return (status, json)
        }
    }

    /// Opens a WebSocket, sends `frames`, and returns the close code and reason the agent answered with.
    static func closing(after frames: [[UInt8]], port: Int) async -> (code: Int, reason: String)? {
        await RawConnection.onThread {
            guard let connection = try? RawConnection(port: port), RawWebSocket.open(connection, port: port).upgraded else { return nil }
            for frame in frames { connection.send(frame) }
            let (bytes, _) = connection.receive(until: { RawWebSocket.closeFrame(in: $0) != nil }, timeout: .seconds(5))
            return RawWebSocket.closeFrame(in: bytes)
        }
    }

    @Test func webSocketProtocolViolationsCloseWithTheirCodes() async throws {
        try await AgentUnderTest.with { agent in
            let time = #"{"jsonrpc":"2.0","dwapiversion":"1.0","id":"t","method":"agent.time"}"#
            let unmasked = await Self.closing(after: [RawWebSocket.text(time, masked: false)], port: agent.port)
            #expect(unmasked?.code == 1002)
            #expect(unmasked?.reason == "client frames must be masked")

            let invalidUTF8 = await Self.closing(after: [RawWebSocket.frame(opcode: 1, [0x7B, 0xC3, 0x28, 0x7D])], port: agent.port)
            #expect(invalidUTF8?.code == 1007)

            // 2 MiB in four fragments of 512 KiB: each frame is under the 1 MiB limit, the message is not.
            let piece = [UInt8](repeating: UInt8(ascii: " "), count: 512 * 1024)
            let fragments = [RawWebSocket.frame(opcode: 1, piece, fin: false), RawWebSocket.frame(opcode: 0, piece, fin: false),
                             RawWebSocket.frame(opcode: 0, piece, fin: false), RawWebSocket.frame(opcode: 0, piece)]
            #expect(await Self.closing(after: fragments, port: agent.port)?.code == 1009)

            // A numeric id comes back in the refusal, on the socket as over HTTP.
            let numeric = #"{"jsonrpc":"2.0","dwapiversion":"1.0","id":7,"method":"agent.time","params":{}}"#
            let answer = await RawConnection.onThread { () -> JSONValue? in
                guard let connection = try? RawConnection(port: agent.port), RawWebSocket.open(connection, port: agent.port).upgraded else { return nil }
                connection.send(RawWebSocket.text(numeric))
                let (bytes, _) = connection.receive(until: { !RawWebSocket.texts(in: $0).isEmpty }, timeout: .seconds(5))
                return RawWebSocket.texts(in: bytes).first.flatMap { try? JSONValue.parse(Array($0.utf8)) }
            }
            #expect(answer?["id"] == .integer(7))
            #expect(answer?["error"]?["code"]?.intValue == JSONRPCError.invalidRequestCode)
            #expect(await Self.post(numeric, port: agent.port).json?["id"] == .integer(7))
        }
    }

    @Test func foreignOriginsAndBodiesThatAreNotJSONAreRefused() async throws {
        try await AgentUnderTest.with { agent in
            let port = agent.port
            let time = #"{"jsonrpc":"2.0","dwapiversion":"1.0","id":"t","method":"agent.time"}"#
            #expect(await Self.post(time, port: port).status == 200)
            let own = await Self.post(time, port: port, headers: "Content-Type: application/json\r\nOrigin: http://127.0.0.1:\(port)\r\n")
            #expect(own.status == 200, "the agent's own origin")
            let evil = await Self.post(time, port: port, headers: "Content-Type: application/json\r\nOrigin: http://evil.example\r\n")
            #expect(evil.status == 403)
            #expect(evil.json?["error"]?["code"]?.intValue == JSONRPCError.invalidRequestCode)
            let plain = await Self.post(time, port: port, headers: "Content-Type: text/plain\r\n")
            #expect(plain.status == 415)
            #expect(await Self.post(time, port: port, headers: "").status == 415)
            #expect(await Self.post(time, port: port, headers: "Content-Type: application/json; charset=utf-8\r\n").status == 200)

            let socket = await RawConnection.onThread { () -> (Bool, String)? in
                guard let connection = try? RawConnection(port: port) else { return nil }
                return RawWebSocket.open(connection, port: port, origin: "http://evil.example")
            }
            #expect(socket?.0 == false, "no WebSocket for a foreign page")
            // Hummingbird answers a refused upgrade with 400 whatever the refusal said.
            #expect(socket?.1.hasPrefix("HTTP/1.1 4") == true, "\(socket?.1 ?? "")")
            let ownSocket = await RawConnection.onThread { () -> Bool in
                guard let connection = try? RawConnection(port: port) else { return false }
                return RawWebSocket.open(connection, port: port, origin: "http://127.0.0.1:\(port)").upgraded
            }
            #expect(ownSocket)
            // Nothing from the foreign page reached the printer.
            #expect(agent.printer.displayMessage?.hasPrefix("Pairing code") != true)
        }
    }

    @Test func wrongCodesFromOneAddressDoNotLockThePersonAtThePrinter() async throws {
        try await AgentUnderTest.with { agent in
            let port = agent.port
            let begin = #"{"jsonrpc":"2.0","dwapiversion":"1.0","id":"b","method":"pairing.begin","params":{}}"#
            #expect(await Self.post(begin, port: port).json?["result"] != nil)
            let right = String(try #require(agent.printer.displayMessage).suffix(6))
            let wrong = right == "000000" ? "111111" : "000000"
            let guess = #"{"jsonrpc":"2.0","dwapiversion":"1.0","id":"g","method":"pairing.complete","params":{"code":"\#(wrong)"}}"#
            var codes: [Int?] = []
            for _ in 0..<6 { codes.append(await Self.post(guess, port: port, from: "127.0.0.77").json?["error"]?["code"]?.intValue) }
            #expect(codes.prefix(4).allSatisfy { $0 == JSONRPCError.authenticationDeniedCode })
            #expect(codes.suffix(2).allSatisfy { $0 == JSONRPCError.pairingLockedCode })
            let fromLocked = await Self.post(begin, port: port, from: "127.0.0.77")
            #expect(fromLocked.json?["error"]?["code"]?.intValue == JSONRPCError.pairingLockedCode)

            let complete = #"{"jsonrpc":"2.0","dwapiversion":"1.0","id":"c","method":"pairing.complete","params":{"code":"\#(right)"}}"#
            let granted = await Self.post(complete, port: port)
            #expect(granted.json?["result"]?["accessToken"]?.stringValue?.hasPrefix("3dp_") == true)
        }
    }

    @Test func aClientNameCannotForgeLogLines() async throws {
        let logs = CapturedLogs()
        try await AgentUnderTest.with(logs: logs) { agent in
            let forged = "x\n2026-12-04 critical 3dp-agent: \u{1B}[31mFAKE printer on fire\u{1B}[0m"
            _ = try await agent.result("pairing.begin", ["clientName": .string(forged)])
            let lines = logs.all.filter { $0.contains("FAKE printer on fire") }
            #expect(!lines.isEmpty)
            #expect(lines.allSatisfy { !$0.contains("\n") && !$0.contains("\u{1B}") }, "\(lines)")
        }
    }

    @Test func theDaemonsLogHandlerEscapesEveryMessageAndMetadataValue() throws {
        let logs = CapturedLogs()
        var logger = Logger(label: "test") { _ in EscapingLogHandler(logs.handler()) }
        logger.logLevel = .trace
        logger.info("job queued \("a\nb")", metadata: ["name": "x\u{1B}[2Jy", "list": .array(["\r"])])
        let line = try #require(logs.all.first)
        #expect(logs.all.count == 1)
        #expect(line.contains(#"job queued a\nb"#))
        #expect(line.contains(#"x\u{1b}[2Jy"#))
        #expect(!line.contains(where: { "\n\r\u{1B}".contains($0) }), "\(logs.all)")
    }
}
