import Endpoint
import Foundation
import Jobs
import ManagerClient
import Testing
import ThreeDPProtocol
import VirtualPrinter
import ThreeDPSchemaValidation

/// `3dp-agent client …` as people and scripts run it: the built executable in a child process, against the
/// daemon on loopback driving the virtual printer, with its token file in a configuration home of its own.
@Suite(.serialized, .timeLimit(.minutes(2)))
struct ClientCommandTests {
    @Test func pairingReadsTheCodeFromStandardInputAndTheStoredTokenServesTheOtherVerbs() async throws {
        try await AgentUnderTest.with { agent in
            let home = try ConfigHome()
            defer { home.remove() }
            let url = agent.baseURL

            let pairing = try ClientProcess(["client", "pair", "--url", url, "--name", "client tests"], configHome: home.directory)
            let code = try await Self.pairingCode(on: agent.printer, while: pairing)
            pairing.send(code + "\n")
            pairing.closeInput()
            let paired = await pairing.finished()
            #expect(paired.status == 0, "\(paired.stderr)")
            #expect(paired.stdout.contains("pairing code off the display of vp1"))
            #expect(paired.stdout.contains("paired with \(url)"))
            let credential = try #require(try home.store.load(for: AgentURL(parsing: url)))
            #expect(!paired.stdout.contains(credential.accessToken) && !paired.stderr.contains(credential.accessToken))
            #expect(try await agent.result("printer.status", ["serviceId": "vp1"], token: credential.accessToken)["state"] == "idle")

            let status = try await ClientProcess.run(["client", "status", "--url", url], configHome: home.directory)
            #expect(status.status == 0, "\(status.stderr)")
            #expect(status.lines.first?.hasPrefix("vp1 idle · nozzle ") == true, "\(status.stdout)")

            let identity = try await agent.result("printer.info", ["serviceId": "vp1"], token: agent.harnessToken)
            let productName = try #require(identity["productName"]?.stringValue)
            let info = try await ClientProcess.run(["client", "info", "--url", url, "--printer", "vp1"], configHome: home.directory)
            #expect(info.status == 0, "\(info.stderr)")
            #expect(info.lines == [PrinterText.info(identity)])
            #expect(info.stdout.hasPrefix(productName))

            let gcode = try await ClientProcess.run(["client", "gcode", "--url", url, "M105"], configHome: home.directory)
            #expect(gcode.status == 0, "\(gcode.stderr)")
            #expect(gcode.lines.first == "> M105")
            #expect(gcode.lines.dropFirst().contains { $0.contains("T:") }, "\(gcode.stdout)")

            let empty = try await ClientProcess.run(["client", "queue", "--url", url], configHome: home.directory)
            #expect(empty.lines == ["queue empty"], "\(empty.stdout)\(empty.stderr)")
            let fixtures = try GCodeFixtures()
            defer { fixtures.remove() }
            let file = try fixtures.denseSegments(200).path
            let job = try await #require(agent.fleet.service("vp1")).enqueue(gcodeFile: file, name: "benchy")
            let queue = try await ClientProcess.run(["client", "queue", "--all", "--url", url], configHome: home.directory)
            #expect(queue.status == 0, "\(queue.stderr)")
            #expect(queue.lines.contains { $0.contains("\(job.id) benchy ") }, "\(queue.stdout)")
        }
    }

    @Test func jsonOutputIsTheAgentsResultOneObjectPerLine() async throws {
        try await AgentUnderTest.with { agent in
            let home = try ConfigHome()
            defer { home.remove() }
            try home.store.save(ClientCredential(accessToken: agent.harnessToken), for: AgentURL(parsing: agent.baseURL))

            // The address from the environment, as scripts set it once.
            let environment = ["THREEDP_AGENT_URL": agent.baseURL]
            let discovery = try Self.json(try await ClientProcess.run(["client", "discover", "--json"], configHome: home.directory, environment: environment))
            #expect(discovery["services"]?.arrayValue?.compactMap { $0["serviceId"]?.stringValue } == ["vp1"])
            #expect(discovery["agent"]?["apiVersion"] == "1.0")

            let status = try Self.json(try await ClientProcess.run(["client", "status", "--json"], configHome: home.directory, environment: environment))
            #expect(status["serviceId"] == "vp1")
            #expect(status["state"] == "idle")
            #expect(ThreeDPSchema.validateResult(method: "printer.status", status).isEmpty)

            let gcode = try Self.json(try await ClientProcess.run(["client", "gcode", "--json", "M105"], configHome: home.directory, environment: environment))
            #expect(gcode["responses"]?[0]?["line"] == "M105")

            let attributes = try Self.json(try await ClientProcess.run(["client", "attributes", "--json"], configHome: home.directory, environment: environment))
            #expect(attributes["printerType"] == "FFF")

            let queue = try Self.json(try await ClientProcess.run(["client", "queue", "--json", "--all"], configHome: home.directory, environment: environment))
            #expect(queue["jobs"]?.arrayValue != nil)
        }
    }

    @Test func pauseResumeAndStopActOnTheCurrentJobOrTheOneNamed() async throws {
        try await AgentUnderTest.with(configurePrinter: { $0.baudRate = 115_200 }) { agent in
            let home = try ConfigHome()
            defer { home.remove() }
            try home.store.save(ClientCredential(accessToken: agent.harnessToken), for: AgentURL(parsing: agent.baseURL))
            let fixtures = try GCodeFixtures()
            defer { fixtures.remove() }
            let job = try await #require(agent.fleet.service("vp1")).enqueue(gcodeFile: try fixtures.denseSegments(40_000).path, name: "long")
            try await agent.waitForStatus { $0["state"] == "printing" }
            let options = ["--url", agent.baseURL]

            let pause = try await ClientProcess.run(["client", "pause"] + options, configHome: home.directory)
            #expect(pause.status == 0, "\(pause.stderr)")
            #expect(pause.lines.first?.hasPrefix("1. \(job.id) long ") == true, "\(pause.stdout)")
            #expect(pause.lines.dropFirst().first == "queue:")
            try await agent.waitForStatus { $0["state"] == "paused" }

            let again = try await ClientProcess.run(["client", "pause"] + options, configHome: home.directory)
            #expect(again.status == 1, "a paused job cannot be paused: \(again.stdout)")
            #expect(again.stderr.contains("the agent refused"), "\(again.stderr)")

            let resume = try Self.json(try await ClientProcess.run(["client", "resume", "--json", "--job", job.id] + options, configHome: home.directory))
            #expect(resume["job"]?["jobId"]?.stringValue == job.id)
            try await agent.waitForStatus { $0["state"] == "printing" }

            let stop = try Self.json(try await ClientProcess.run(["client", "stop", "--json", "--printer", "vp1"] + options, configHome: home.directory))
            #expect(stop["job"]?["jobId"]?.stringValue == job.id)
            #expect(ThreeDPSchema.validateResult(method: "print.stop", stop).isEmpty)

            // The stopped job, now in the history, is taken out of it.
            try await agent.waitForStatus { $0["state"] == "idle" }
            let remove = try await ClientProcess.run(["client", "remove", "--job", job.id] + options, configHome: home.directory)
            #expect(remove.status == 0, "\(remove.stderr)")
            #expect(remove.lines.first?.contains(job.id) == true, "\(remove.stdout)")
            let gone = try await ClientProcess.run(["client", "remove", "--job", job.id] + options, configHome: home.directory)
            #expect(gone.status == 1 && gone.stderr.contains("no job \(job.id)"), "\(gone.stderr)")
        }
    }

    @Test func withoutPairingAVerbIsRefusedWithTheWayToPair() async throws {
        try await AgentUnderTest.with { agent in
            let home = try ConfigHome()
            defer { home.remove() }
            let url = agent.baseURL

            let status = try await ClientProcess.run(["client", "status", "--url", url + "/3dp/v1"], configHome: home.directory)
            #expect(status.status == 1)
            #expect(status.stdout.isEmpty)
            #expect(status.stderr.contains("not paired with \(url); run `3dp-agent client pair --url \(url)`"), "\(status.stderr)")

            // Discovery needs no pairing.
            let discovery = try await ClientProcess.run(["client", "discover", "--url", url], configHome: home.directory)
            #expect(discovery.status == 0, "\(discovery.stderr)")
            #expect(discovery.lines.contains { $0.hasPrefix("  vp1 ") })

            // A wrong code is the agent's refusal, and nothing is stored.
            let wrong = try await ClientProcess.run(["client", "pair", "--url", url, "--code", "000000"], configHome: home.directory)
            let shown = agent.printer.displayMessage.map { String($0.suffix(6)) }
            if shown != "000000" {
                #expect(wrong.status == 1)
                #expect(wrong.stderr.contains("the agent refused"), "\(wrong.stderr)")
                #expect(try home.store.readAll().isEmpty)
            }
        }
    }

    @Test func anAgentThatIsNotThereIsExitStatusTwo() async throws {
        let home = try ConfigHome()
        defer { home.remove() }
        let url = "http://127.0.0.1:\(try ClientProcess.unusedPort())"
        let discovery = try await ClientProcess.run(["client", "discover", "--url", url], configHome: home.directory)
        #expect(discovery.status == 2)
        #expect(discovery.stderr.contains("no agent answers at \(url)"), "\(discovery.stderr)")

        let unreadable = try await ClientProcess.run(["client", "discover", "--url", "ftp://somewhere"], configHome: home.directory)
        #expect(unreadable.status == 2)
        #expect(unreadable.stderr.contains("is not an agent address"), "\(unreadable.stderr)")
    }

    @Test func severalPrintersNeedPrinterAndTheErrorListsThem() async throws {
        try await AgentUnderTest.with(printers: 2) { agent in
            let home = try ConfigHome()
            defer { home.remove() }
            try home.store.save(ClientCredential(accessToken: agent.harnessToken), for: AgentURL(parsing: agent.baseURL))

            let ambiguous = try await ClientProcess.run(["client", "status", "--url", agent.baseURL], configHome: home.directory)
            #expect(ambiguous.status == 2)
            #expect(ambiguous.stderr.contains("(vp1, vp2); choose one with --printer ID"), "\(ambiguous.stderr)")

            let chosen = try await ClientProcess.run(["client", "status", "--url", agent.baseURL, "--printer", "vp2"], configHome: home.directory)
            #expect(chosen.status == 0, "\(chosen.stderr)")
            #expect(chosen.stdout.hasPrefix("vp2 idle"))

            let unknown = try await ClientProcess.run(["client", "info", "--url", agent.baseURL, "--printer", "vp9"], configHome: home.directory)
            #expect(unknown.status == 1)
            #expect(unknown.stderr.contains("the agent refused"), "\(unknown.stderr)")
        }
    }

    @Test func watchPrintsALinePerCallbackUntilTheAgentCloses() async throws {
        let agent = try await AgentUnderTest.start()
        let home = try ConfigHome()
        defer { home.remove() }
        try home.store.save(ClientCredential(accessToken: agent.harnessToken), for: AgentURL(parsing: agent.baseURL))

        let watch: ClientProcess
        let first: String?
        do {
            watch = try ClientProcess(["client", "watch", "--url", agent.baseURL, "--topics", "printer.status"], configHome: home.directory)
            watch.closeInput()
            first = await watch.nextLine()
        } catch {
            await agent.stop()
            throw error
        }
        await agent.stop()
        let ended = await watch.finished()

        let line = try #require(first, "\(ended.stderr)")
        #expect(line.wholeMatch(of: /\d\d:\d\d:\d\d vp1 idle · nozzle .*/) != nil, "\(line)")
        #expect(ended.lines.allSatisfy { $0.contains(" vp1 ") })
        #expect(!ended.signalled)
        #expect(ended.status == 2)
        #expect(ended.stderr.contains("the agent is shutting down"), "\(ended.stderr)")
        #expect(ended.stderr.contains("watching printer.status of vp1"), "\(ended.stderr)")
        #expect(ended.stderr.contains("closed the connection"), "\(ended.stderr)")
    }

    /// The code the agent put on the printer's display once `client pair` asked for one. The display has no
    /// event of its own, so this is the one place that polls.
    private static func pairingCode(on printer: VirtualPrinter, while client: ClientProcess) async throws -> String {
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            if let display = printer.displayMessage, display.hasPrefix("Pairing code ") { return String(display.suffix(6)) }
            guard client.isRunning else { throw AgentTestError("client pair ended before the code was shown: \(await client.finished().stderr)") }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw AgentTestError("no pairing code on the display within 30 s")
    }

    /// The single JSON line a `--json` verb printed.
    private static func json(_ outcome: ClientProcess.Outcome, sourceLocation: SourceLocation = #_sourceLocation) throws -> JSONValue {
        #expect(outcome.status == 0, "\(outcome.stderr)", sourceLocation: sourceLocation)
        #expect(outcome.lines.count == 1, "\(outcome.stdout)", sourceLocation: sourceLocation)
        return try JSONValue.parse(Array(outcome.stdout.utf8))
    }
}

/// A configuration home of the test's own: the client's token file goes to `<directory>/3dp-agent/client.json`.
struct ConfigHome {
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("3dp-agent-client-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    var store: ClientTokenStore { ClientTokenStore(path: directory.appendingPathComponent("3dp-agent/client.json").path) }

    func remove() { try? FileManager.default.removeItem(at: directory) }
}
