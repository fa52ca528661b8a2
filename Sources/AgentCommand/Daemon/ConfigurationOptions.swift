import ArgumentParser
import Board
import AgentConfig
import Foundation

/// `--config FILE`, shared by the commands that act on a running agent's state.
struct ConfigurationOptions: ParsableArguments {
    @Option(name: .long, help: "The configuration file (TOML). Without it: 127.0.0.1:8631, printers found by udev, state under $XDG_STATE_HOME/3dp-agent (root: /var/lib/3dp-agent).")
    var config: String?

    func load() throws -> AgentConfiguration {
        let stateDirectory = StateDirectory.defaultPath(environment: ProcessInfo.processInfo.environment,
                                                        isRoot: geteuid() == 0)
        let hostname = ProcessInfo.processInfo.hostName
        guard let config else { return .defaults(stateDirectory: stateDirectory, hostname: hostname) }
        do {
            return try AgentConfiguration.load(path: config, defaultStateDirectory: stateDirectory, hostname: hostname)
        } catch {
            throw ValidationError("\(error)")
        }
    }
}
