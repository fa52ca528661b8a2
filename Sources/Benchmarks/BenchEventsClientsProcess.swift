import ArgumentParser
import ChildProcesses
import Foundation

/// The `bench events-clients` child, started with the token in its environment; its standard output's lines are
/// the measurement's marks and its report.
enum SubscribersProcess {
    /// Runs `body` beside the child, and stops it (SIGTERM) however `body` ends.
    static func with<Result>(port: Int, clients: Int, seconds: Double, token: String,
                             _ body: (ChildProcess) async throws -> Result) async throws -> Result {
        let child = ChildProcess(SimulatorProcess.executable,
                                 ["bench", "events-clients", "--port", "\(port)", "--clients", "\(clients)",
                                  "--seconds", "\(seconds)"],
                                 environment: [BenchEventsClientsCommand.tokenVariable: token])
        return try await child.stopping { try await body(child) }
    }
}
