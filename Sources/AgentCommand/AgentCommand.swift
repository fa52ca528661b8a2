import ArgumentParser

@main
struct AgentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "3dp-agent",
        abstract: "The printer-side agent of DWAPI-3DP: drives a 3D printer over USB serial.",
        subcommands: [DemoCommand.self, RunCommand.self, PairCommand.self, ClientCommand.self, PrintCommand.self, SimulateCommand.self, DevicesCommand.self, BenchCommand.self]
    )
}
