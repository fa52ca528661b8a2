import Agent
import ArgumentParser
import CommandSupport
import Foundation
import Logging

/// `3dp-agent run`: the daemon.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Serve every printer of this board over 3DP-1 (the daemon; systemd runs it).",
        discussion: "SIGTERM or Ctrl-C stops it: a job on a printer is cancelled first, so its heaters are switched off."
    )

    @OptionGroup var options: ConfigurationOptions

    @Option(name: .long, help: "Log level (trace, debug, info, notice, warning, error, critical); overrides the file's.")
    var logLevel: Logger.Level?

    func run() async throws {
        MallocArenas.limitToOne(environment: ProcessInfo.processInfo.environment)
        let configuration = try options.load()
        CommandLogging.setUp(level: logLevel ?? configuration.logLevel)
        let logger = Logger(label: "3dp-agent")
        logger.info("3dp-agent \(AgentDaemon.version) starting", metadata: [
            "state": "\(configuration.stateDirectory)", "listen": "\(configuration.listen)",
        ])
        try await AgentDaemon(configuration: configuration, logger: logger).run()
        logger.info("3dp-agent stopped")
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
