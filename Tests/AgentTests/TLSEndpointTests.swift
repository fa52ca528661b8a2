import Agent
import AgentConfig
import Endpoint
import Foundation
import Glibc
import ManagerClient
import Testing
import ThreeDPProtocol
import ThreeDPSchemaValidation

/// The endpoint over TLS (issue 13), on loopback with `[endpoint] tls = true`: pairing returns the certificate's
/// fingerprint, the client pins it and refuses an agent with another certificate, plain HTTP gets a refusal it
/// can read, and connections that never finish their handshake do not keep a Manager waiting.
@Suite(.serialized, .timeLimit(.minutes(3)))
struct TLSEndpointTests {
    static func tlsOn(_ configuration: inout AgentConfiguration) {
        configuration.endpointTLS = true
    }

    static func url(_ agent: AgentUnderTest) -> AgentURL {
        AgentURL(scheme: "https", host: "127.0.0.1", port: agent.port)
    }

    /// The certificate and key files of a running agent.
    static func identityFiles(_ agent: AgentUnderTest) -> DeviceCertificateFiles {
        DeviceCertificateFiles(stateDirectory: agent.stateDirectory.path)
    }

    /// Pairs over TLS the way `3dp-agent client pair` does (first contact, then the check against
    /// `pairing.complete`), reading the code off the virtual printer's display; returns the credential and the
    /// display line.
    static func pair(_ agent: AgentUnderTest) async throws -> (credential: ClientCredential, display: String, answer: JSONValue) {
        try await AgentSession.with(url: url(agent), accessToken: nil) { session in
            _ = try await session.call("pairing.begin", params: ["clientName": "tls test"])
            let display = try #require(agent.printer.displayMessage)
            let code = try #require(display.firstMatch(of: /Pairing code (\d{6})/)?.1)
            let grant = try await session.call("pairing.complete", params: ["code": .string(String(code)), "clientName": "tls test"])
            let failures = ThreeDPSchema.validateResult(method: "pairing.complete", grant)
            #expect(failures.isEmpty, "pairing.complete against the schema: \(failures.prefix(3))")
            let credential = try #require(try ClientCredential.pairing(grant, session: session))
            return (credential, display, grant)
        }
    }

    @Test func pairingOverTLSReturnsTheFingerprintThatTheClientPinsAndTheDisplayShows() async throws {
        let logs = CapturedLogs()
        try await AgentUnderTest.with(logs: logs, configureAgent: Self.tlsOn) { agent in
            let files = Self.identityFiles(agent)
            let onDisk = try #require(try files.load())
            let (credential, display, answer) = try await Self.pair(agent)

            #expect(answer["certificateFingerprint"]?.stringValue == onDisk.fingerprint.description)
            #expect(credential.certificate?.fingerprint == onDisk.fingerprint)
            #expect(credential.certificate?.der == onDisk.certificateDER)
            #expect(display.hasSuffix(" cert " + onDisk.fingerprint.displayPrefix), "display: \(display)")

            // The pinned client is served over https:// and wss://.
            try await AgentSession.with(url: Self.url(agent), accessToken: credential.accessToken,
                                        certificate: credential.certificate) { session in
                let status = try await session.call("printer.status", params: ["serviceId": "vp1"])
                #expect(status["state"]?.stringValue == "idle")
                let clientId = try await session.withWebSocket { socket in
                    try await socket.authenticate(accessToken: credential.accessToken)
                }
                #expect(clientId == credential.clientId)
            }

            // Owner-only files; the key in no log line and in no answer.
            for path in [files.keyPath, files.certificatePath] {
                var status = stat()
                #expect(stat(path, &status) == 0)
                #expect(status.st_mode & 0o777 == 0o600, "\(path)")
            }
            let key = try String(contentsOfFile: files.keyPath, encoding: .utf8)
            let keyLines = key.split(separator: "\n").filter { !$0.hasPrefix("-----") }
            #expect(!keyLines.isEmpty)
            let logged = logs.all.joined(separator: "\n")
            #expect(logged.contains(onDisk.fingerprint.description), "the start logs the fingerprint")
            for line in keyLines {
                #expect(!logged.contains(line))
                #expect(!"\(answer)".contains(line))
            }
            #expect(!logged.contains("PRIVATE KEY"))
        }
    }

    @Test func aPinnedClientRefusesAnAgentWhoseCertificateChangedAndAcceptsTheSameOneAfterARestart() async throws {
        var saved: (key: String, certificate: String)?
        var credential: ClientCredential?
        try await AgentUnderTest.with(configureAgent: Self.tlsOn) { agent in
            credential = try await Self.pair(agent).credential
            let files = Self.identityFiles(agent)
            saved = (try String(contentsOfFile: files.keyPath, encoding: .utf8),
                     try String(contentsOfFile: files.certificatePath, encoding: .utf8))
        }
        let pinned = try #require(credential?.certificate)
        let identity = try #require(saved)

        // The same identity after a restart: accepted. (The token belongs to the first agent's store, so the
        // answer is a refusal of the token, which proves the TLS connection was made.)
        try await AgentUnderTest.with(configureAgent: Self.tlsOn, prepareState: { state in
            try FileManager.default.createDirectory(at: state, withIntermediateDirectories: true)
            let files = DeviceCertificateFiles(stateDirectory: state.path)
            try identity.key.write(toFile: files.keyPath, atomically: false, encoding: .utf8)
            try identity.certificate.write(toFile: files.certificatePath, atomically: false, encoding: .utf8)
        }) { agent in
            try await AgentSession.with(url: Self.url(agent), accessToken: agent.harnessToken, certificate: pinned) { session in
                let status = try await session.call("printer.status", params: ["serviceId": "vp1"])
                #expect(status["state"]?.stringValue == "idle")
            }
        }

        // A new identity: refused over HTTP and over the WebSocket, with what happened and what to do.
        try await AgentUnderTest.with(configureAgent: Self.tlsOn) { agent in
            let presented = try #require(try Self.identityFiles(agent).load()).fingerprint
            #expect(presented != pinned.fingerprint)
            let expected = AgentConnectionError.certificateChanged(Self.url(agent), pinned: pinned.fingerprint, presented: presented)
            try await AgentSession.with(url: Self.url(agent), accessToken: agent.harnessToken, certificate: pinned) { session in
                await #expect(throws: expected) { try await session.call("printer.status", params: ["serviceId": "vp1"]) }
                await #expect(throws: expected) { try await session.withWebSocket { _ in } }
            }
            #expect(expected.description.contains("different TLS certificate than the one pinned at pairing"))
            #expect(expected.description.contains("pair again"))
        }
    }

    @Test func plainHTTPToTheTLSPortGetsARefusalThatSaysHTTPS() async throws {
        try await AgentUnderTest.with(configureAgent: Self.tlsOn) { agent in
            let port = agent.port
            let answer = await RawConnection.onThread { () -> (text: String, closed: Bool) in
                guard let connection = try? RawConnection(port: port) else { return ("", false) }
                let body = #"{"jsonrpc":"2.0","dwapiversion":"1.0","id":"t","method":"agent.time","params":{}}"#
                connection.send("POST /3dp/v1/rpc HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nContent-Type: application/json\r\n"
                                + "Content-Length: \(body.utf8.count)\r\n\r\n\(body)")
                let (bytes, closed) = connection.receive(until: { _ in false }, timeout: .seconds(5))
                return (String(decoding: bytes, as: UTF8.self), closed)
            }
            #expect(answer.text.hasPrefix("HTTP/1.1 400 Bad Request\r\n"))
            #expect(answer.text.contains("this port speaks HTTPS: use https://127.0.0.1:\(port)/"))
            #expect(answer.closed)

            // And the client, told http:// for a TLS port, says to use https://.
            let plain = AgentURL(scheme: "http", host: "127.0.0.1", port: port)
            await #expect(throws: AgentConnectionError.speaksHTTPS(plain)) {
                try await AgentSession.with(url: plain, accessToken: nil, requestTimeout: .seconds(5)) { session in
                    _ = try await session.call("agent.time")
                }
            }
        }
    }

    /// 14 connections from each of 4 loopback addresses: half send nothing, half send the first bytes of a
    /// ClientHello and stop. The per-address cap (16 here) and the deadline (1 s here, for the handshake and the
    /// first request head together) bound them; a pinned Manager is answered promptly meanwhile, and they are all
    /// closed by the deadline.
    @Test func aHandshakeFloodOfSilentAndHalfHelloConnectionsNeitherBlocksNorLingers() async throws {
        let policy = EndpointNetworkPolicy(maxConnections: 128, maxConnectionsPerAddress: 16, requestHeadTimeout: .seconds(1),
                                           requestBodyTimeout: .seconds(2), keepAliveTimeout: .seconds(2),
                                           webSocketAuthenticationTimeout: .seconds(1))
        let logs = CapturedLogs()
        try await AgentUnderTest.with(logs: logs, networkPolicy: policy, configureAgent: Self.tlsOn) { agent in
            let pinned = PinnedCertificate(der: try #require(try Self.identityFiles(agent).load()).certificateDER)
            let port = agent.port
            // A TLS record header announcing a 512-byte handshake, then the ClientHello's first bytes only.
            let halfHello: [UInt8] = [0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xFC, 0x03, 0x03] + [UInt8](repeating: 7, count: 20)
            let sources = ["127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5"]
            let started = ContinuousClock.now
            let flood = await RawConnection.onThread { () -> [RawConnection] in
                var connections: [RawConnection] = []
                for source in sources {
                    for index in 0..<14 {
                        guard let connection = try? RawConnection(port: port, from: source) else { continue }
                        if index % 2 == 1 { connection.send(halfHello) }
                        connections.append(connection)
                    }
                }
                return connections
            }
            #expect(flood.count == 56)

            // Meanwhile: a pinned Manager on new connections, over HTTP and the WebSocket.
            let answered = ContinuousClock.now
            try await AgentSession.with(url: Self.url(agent), accessToken: agent.harnessToken, certificate: pinned) { session in
                let status = try await session.call("printer.status", params: ["serviceId": "vp1"])
                #expect(status["state"]?.stringValue == "idle")
                _ = try await session.withWebSocket { socket in try await socket.authenticate(accessToken: agent.harnessToken) }
            }
            let answerTime = ContinuousClock.now - answered
            #expect(answerTime < .seconds(2), "the Manager waited \(answerTime)")

            // Every flooding connection is closed by the deadline (1 s), well before 4 s.
            let closed = await RawConnection.onThread { () -> Int in
                flood.filter { $0.closedByPeer(within: .seconds(4) - (ContinuousClock.now - started)) }.count
            }
            #expect(closed == flood.count, "\(closed) of \(flood.count) closed by the agent")
            // Seventeen connections from one address: one is closed at once, before its handshake (which of them
            // depends on which event loop admits first).
            let closedAtOnce = await RawConnection.onThread { () -> Int in
                let held = (0..<17).compactMap { _ in try? RawConnection(port: port, from: "127.0.0.6") }
                guard held.count == 17 else { return -1 }
                // Well within the 1 s deadline that closes the other sixteen later.
                let end = ContinuousClock.now + .milliseconds(300)
                var closed = Set<Int>()
                while ContinuousClock.now < end {
                    for (index, connection) in held.enumerated() where !closed.contains(index) {
                        if connection.closedByPeer(within: .milliseconds(1)) { closed.insert(index) }
                    }
                }
                return closed.count
            }
            #expect(closedAtOnce == 1)
        }
    }
}
