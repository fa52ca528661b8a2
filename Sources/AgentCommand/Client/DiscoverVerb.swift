import ArgumentParser
import CommandSupport
import ManagerClient
import ThreeDPProtocol

/// `client discover`: the agent and its printers; needs no pairing. With `--lan`, every agent that answers a
/// DNS-SD browse for `_3dp._tcp` instead, with what its TXT record says.
struct DiscoverVerb: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "discover", abstract: "Show the agent and the printers it serves (no pairing needed).",
        discussion: """
            With --lan: list the agents on the local network (DNS-SD over multicast DNS, service \
            \(LANAdvertisement.serviceType)), one line each (with --json, one object each): name, host and port, \
            addresses, and the TXT record (API version, system id, TLS and certificate fingerprint, path). Needs \
            no mDNS daemon on this machine. Exit status 0 even when none answers.
            """)

    @OptionGroup var agent: AgentOptions

    @Flag(name: .long, help: "List the agents on the local network instead of asking one agent.")
    var lan = false

    @Option(name: .long, help: ArgumentHelp("With --lan: seconds to wait for answers (0.1 to 60).", valueName: "SECONDS"))
    var timeout: Double = 2

    func validate() throws {
        guard lan else { return }
        guard agent.url == nil else { throw ValidationError("--lan lists every agent on the network; it takes no --url") }
        guard (0.1...60).contains(timeout) else { throw ValidationError("--timeout must be 0.1 to 60 seconds, not \(timeout)") }
    }

    func run() async throws {
        guard lan else {
            try await ClientContext.run(agent, authenticated: false) { context, session in
                context.output.show(try await session.call("service.discover"), PrinterText.discovery)
            }
            return
        }
        CommandLogging.setUp(level: .warning)
        let output = ClientOutput(json: agent.json)
        let found: [LANAgent]
        do {
            found = try await LANBrowser.browse(timeout: .milliseconds(Int(timeout * 1000)))
        } catch {
            ClientOutput.error("cannot ask the local network: \(error)")
            throw ClientExit.unreachable
        }
        for entry in found { output.show(entry.json) { _ in [entry.text] } }
        if found.isEmpty {
            output.note("no agent answered on the local network within \(TerminalText.compactNumber(timeout)) s (DNS-SD \(LANAdvertisement.serviceType))")
        }
    }
}

