import ArgumentParser
import ChildProcesses
import Foundation

/// A `3dp-agent simulate` child process: the printer on the other end of a benchmark runs in a process of its
/// own, so that the CPU time the benchmark reports is the host's alone.
struct SimulatorProcess {
    let child: ChildProcess
    let devicePath: String

    /// This benchmark's own executable, for the children that run one of its other commands.
    static var executable: String { URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path }

    /// Runs `body` beside a simulator started with `arguments`, and stops the simulator (SIGINT, as a person would)
    /// however `body` ends.
    static func with<Result>(arguments: [String], _ body: (SimulatorProcess) async throws -> Result) async throws -> Result {
        let child = ChildProcess(executable, ["simulate"] + arguments)
        return try await child.stopping(with: SIGINT) {
            // Its first line is the pseudo-terminal's path.
            guard let devicePath = await child.standardOutput.next(), devicePath.hasPrefix("/") else {
                await child.stop(SIGINT)
                throw ValidationError("the simulator did not start: \(child.standardError.text)")
            }
            return try await body(SimulatorProcess(child: child, devicePath: devicePath))
        }
    }
}
