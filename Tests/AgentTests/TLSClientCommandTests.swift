import Endpoint
import Foundation
import ManagerClient
import Testing
import ThreeDPProtocol

/// `3dp-agent client` and `3dp-agent pair --list` against an agent with TLS on, as the built executable.
@Suite(.serialized, .timeLimit(.minutes(2)))
struct TLSClientCommandTests {
    @Test func clientPairPinsOverHTTPSAndPairListShowsTheSameFingerprint() async throws {
        try await AgentUnderTest.with(configureAgent: TLSEndpointTests.tlsOn) { agent in
            let home = try ConfigHome()
            defer { home.remove() }
            let url = "https://127.0.0.1:\(agent.port)"
            let fingerprint = try #require(try TLSEndpointTests.identityFiles(agent).load()).fingerprint

            let pairing = try ClientProcess(["client", "pair", "--url", url, "--name", "tls client"], configHome: home.directory)
            var code: String?
            let deadline = ContinuousClock.now + .seconds(30)
            while code == nil, ContinuousClock.now < deadline, pairing.isRunning {
                code = agent.printer.displayMessage.flatMap { $0.firstMatch(of: #/^Pairing code (\d{6}) cert /#)?.1 }.map(String.init)
                if code == nil { try await Task.sleep(for: .milliseconds(20)) }
            }
            pairing.send(try #require(code) + "\n")
            pairing.closeInput()
            let paired = await pairing.finished()
            #expect(paired.status == 0, "\(paired.stderr)")
            #expect(paired.stdout.contains("The agent's TLS certificate starts \(fingerprint.displayPrefix)"), "\(paired.stdout)")
            #expect(paired.stdout.contains("pinned the agent's TLS certificate, SHA-256 \(fingerprint)"), "\(paired.stdout)")
            let credential = try #require(try home.store.load(for: AgentURL(parsing: url)))
            #expect(credential.certificate?.fingerprint == fingerprint)

            let status = try await ClientProcess.run(["client", "status", "--url", url], configHome: home.directory)
            #expect(status.status == 0, "\(status.stderr)")
            #expect(status.lines.first?.hasPrefix("vp1 idle") == true, "\(status.stdout)")

            let plain = try await ClientProcess.run(["client", "discover", "--url", "http://127.0.0.1:\(agent.port)"],
                                                    configHome: home.directory)
            #expect(plain.status != 0)
            #expect(plain.stderr.contains("speaks HTTPS only: use --url https://127.0.0.1:\(agent.port)"), "\(plain.stderr)")

            let config = agent.stateDirectory.appendingPathComponent("agent.toml")
            try "[agent]\nstate_directory = \"\(agent.stateDirectory.path)\"\n[endpoint]\ntls = true\n"
                .write(to: config, atomically: true, encoding: .utf8)
            let list = try await ClientProcess.run(["pair", "--list", "--config", config.path], configHome: agent.stateDirectory)
            #expect(list.status == 0, "\(list.stderr)")
            #expect(list.lines.first == "TLS on; certificate SHA-256 \(fingerprint)", "\(list.stdout)")
            #expect(list.stdout.contains("tls client"))
            #expect(!list.stdout.contains("PRIVATE"))
        }
    }
}
