import ArgumentParser
import ManagerClient

/// `client discover`: the agent and its printers; needs no pairing.
struct DiscoverVerb: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "discover", abstract: "Show the agent and the printers it serves (no pairing needed).")

    @OptionGroup var agent: AgentOptions

    func run() async throws {
        try await ClientContext.run(agent, authenticated: false) { context, session in
            context.output.show(try await session.call("service.discover"), PrinterText.discovery)
        }
    }
}
