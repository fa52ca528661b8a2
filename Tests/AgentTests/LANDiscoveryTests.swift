import Agent
import Foundation
import Testing
import ThreeDPProtocol

/// DNS-SD on a LAN of the test's own (`AvahiSandbox`): the real `3dp-agent run` advertises through a real
/// avahi-daemon, and the real `3dp-agent client discover --lan` finds it with a multicast DNS query.
@Suite(.serialized, .timeLimit(.minutes(2)),
       .enabled(if: AvahiSandbox.unavailableReason == nil,
                "needs root (a network namespace) and iproute2, dbus, avahi-daemon, avahi-utils, which .ci/run installs"))
struct LANDiscoveryTests {
    static let port = 8631

    @Test func anAgentIsFoundWithEveryTXTRecordAndIsGoneOnceItStops() async throws {
        let sandbox = try await AvahiSandbox.make()
        do {
            try await sandbox.startAvahi()
            let agent = try startAgent(in: sandbox)
            #expect(await agent.line(within: .seconds(20), where: { $0.contains("advertised on the LAN as 'Workshop printers'") }) != nil,
                    "\(agent.output)")

            // Listening beyond loopback, the agent serves TLS by default: the records carry its certificate's
            // fingerprint, the one its log names.
            let listening = try #require(await agent.line(within: .seconds(5), where: { $0.contains("certificate SHA-256 ") }),
                                         "\(agent.output)")
            let fingerprint = try #require(listening.components(separatedBy: "certificate SHA-256 ").last?
                .prefix { !$0.isWhitespace }).description
            #expect(fingerprint.count == 95, "\(listening)")

            let found = try await discover(in: sandbox)
            let record = try #require(found.first, "nothing found")
            #expect(found.count == 1)
            // What the agent says over 3DP-1 is what it told the LAN.
            let direct = try await run(in: sandbox, ["client", "discover", "--url", "https://127.0.0.1:\(Self.port)", "--json"])
            let discovery = try #require(direct.compactMap { try? JSONValue.parse(Array($0.utf8)) }.first, "\(direct)")
            let systemID = try #require(discovery["agent"]?["systemId"]?.stringValue)
            #expect(record["name"]?.stringValue == "Workshop printers")
            #expect(record["port"]?.intValue == Self.port)
            #expect(record["host"]?.stringValue?.hasSuffix(".local") == true)
            #expect(record["addresses"]?.arrayValue?.compactMap(\.stringValue).contains("127.0.0.1") == true)
            #expect(record["url"]?.stringValue == "https://127.0.0.1:\(Self.port)")
            #expect(record["txt"] == .object([
                "txtvers": .string("1"), "api": .string(discovery["agent"]?["apiVersion"]?.stringValue ?? "?"),
                "sysid": .string(systemID), "tls": .string("1"), "fp": .string(fingerprint),
                "path": .string(ThreeDPTransport.basePath),
            ]))
            #expect(!systemID.isEmpty)

            let readable = try await run(in: sandbox, ["client", "discover", "--lan", "--timeout", "1.5"])
            #expect(readable.contains { $0.hasPrefix("Workshop printers  ") && $0.contains(":\(Self.port) (127.0.0.1")
                && $0.contains("API 1.0 · system \(systemID) · TLS on · /3dp/v1 · fingerprint \(fingerprint)") }, "\(readable)")

            // A graceful stop withdraws the records: every host on the LAN hears a goodbye, and the next browse
            // finds nothing.
            let listener = try await MulticastListener.start(namespace: sandbox.namespace)
            #expect(await agent.stop() == 0)
            #expect(await listener.lines.line(within: .seconds(5), where: { $0 == "goodbye Workshop printers" }) != nil,
                    "\(listener.lines.all)")
            listener.stop()
            #expect(try await discover(in: sandbox).isEmpty)
            let none = try await run(in: sandbox, ["client", "discover", "--lan", "--timeout", "1"])
            #expect(none.contains { $0.contains("no agent answered on the local network within 1 s") }, "\(none)")
        } catch {
            await sandbox.tearDown()
            throw error
        }
        await sandbox.tearDown()
    }

    @Test func withoutAvahiTheAgentSaysSoOnceServesAndIsFoundWhenAvahiStarts() async throws {
        let sandbox = try await AvahiSandbox.make()
        do {
            let agent = try startAgent(in: sandbox)
            let absent = "avahi-daemon is not running"
            #expect(await agent.line(within: .seconds(20), where: { $0.contains(absent) }) != nil, "\(agent.output)")
            // The endpoint serves all the same.
            let direct = try await run(in: sandbox, ["client", "discover", "--url", "https://127.0.0.1:\(Self.port)"])
            #expect(direct.first?.hasPrefix("Bench agent ") == true, "\(direct)")

            // avahi-publish-service waits for the daemon: once it runs, the agent is on the LAN without a restart.
            try await sandbox.startAvahi()
            #expect(await agent.line(within: .seconds(20), where: { $0.contains("advertised on the LAN as 'Workshop printers'") }) != nil,
                    "\(agent.output)")
            #expect(try await discover(in: sandbox).map { $0["name"]?.stringValue } == ["Workshop printers"])
            #expect(agent.output.filter { $0.contains(absent) }.count == 1, "\(agent.output)")
            #expect(await agent.stop() == 0)
        } catch {
            await sandbox.tearDown()
            throw error
        }
        await sandbox.tearDown()
    }

    @Test func theRecordsFollowTheAdvertisement() async throws {
        let sandbox = try await AvahiSandbox.make()
        do {
            try await sandbox.startAvahi()
            let logs = LineRecord()
            let publication = LANPublication(
                logger: LANPublicationTests.logger(logs),
                environment: sandbox.busEnvironment)
            let run = Task { await publication.run() }
            let established = { @Sendable (line: String) in line.hasPrefix("notice advertised on the LAN as 'Bench'") }
            publication.advertise(LANAdvertisement(name: "Bench", port: 9001, systemID: "abc", tls: false, fingerprint: nil))
            #expect(await logs.lines(atLeast: 1, within: .seconds(20), where: established).count == 1, "\(logs.all)")
            let plain = try await discover(in: sandbox)
            #expect(plain.map { $0["port"]?.intValue } == [9001])
            #expect(plain.first?["txt"]?["tls"]?.stringValue == "0")
            #expect(plain.first?["txt"]?["fp"] == nil)

            // TLS turned on with a certificate: the new records replace the old ones.
            let fingerprint = String(repeating: "AB:", count: 31) + "CD"
            publication.advertise(LANAdvertisement(name: "Bench", port: 9002, systemID: "abc", tls: true, fingerprint: fingerprint))
            #expect(await logs.lines(atLeast: 2, within: .seconds(20), where: established).count == 2, "\(logs.all)")
            let secure = try await discover(in: sandbox)
            #expect(secure.map { $0["port"]?.intValue } == [9002])
            #expect(secure.first?["txt"]?["tls"]?.stringValue == "1")
            #expect(secure.first?["txt"]?["fp"]?.stringValue == fingerprint)
            #expect(secure.first?["url"]?.stringValue == "https://127.0.0.1:9002")

            publication.stop()
            await run.value
            #expect(try await discover(in: sandbox).isEmpty)
        } catch {
            await sandbox.tearDown()
            throw error
        }
        await sandbox.tearDown()
    }

    /// `3dp-agent run` in the namespace, listening on all of its (loopback-only) interfaces.
    private func startAgent(in sandbox: AvahiSandbox) throws -> SandboxProcess {
        let configuration = sandbox.directory.appendingPathComponent("agent.toml")
        try """
            [agent]
            name = "Bench agent"
            state_directory = "\(sandbox.directory.appendingPathComponent("state").path)"
            [endpoint]
            listen = "0.0.0.0:\(Self.port)"
            [printers]
            autodetect = false
            [discovery]
            name = "Workshop printers"
            """.write(to: configuration, atomically: true, encoding: .utf8)
        return try sandbox.start(try ClientProcess.executable().path, ["run", "--config", configuration.path])
    }

    /// `client discover --lan --json` in the namespace: one object per agent found.
    private func discover(in sandbox: AvahiSandbox) async throws -> [JSONValue] {
        try await run(in: sandbox, ["client", "discover", "--lan", "--json", "--timeout", "1.5"])
            .filter { $0.hasPrefix("{") }.map { try JSONValue.parse(Array($0.utf8)) }
    }

    private func run(in sandbox: AvahiSandbox, _ arguments: [String]) async throws -> [String] {
        let client = try sandbox.start(try ClientProcess.executable().path, arguments,
                                       environment: ["XDG_CONFIG_HOME": sandbox.directory.path])
        let status = await client.finished()
        #expect(status == 0, "\(arguments): \(client.output)")
        return client.output
    }
}
