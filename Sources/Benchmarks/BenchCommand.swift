import ArgumentParser

/// `3dp-agent bench …`: measurements that back the performance claims in the README (release build).
public struct BenchCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure the agent (run a release build: swift run -c release 3dp-agent bench …).",
        subcommands: [BenchSerialCommand.self, BenchEventsCommand.self, BenchEventsClientsCommand.self, BenchDownloadCommand.self, BenchDownloadClientCommand.self, BenchFloodCommand.self, BenchSliceCommand.self, BenchFootprintCommand.self]
    )

    public init() {}
}
