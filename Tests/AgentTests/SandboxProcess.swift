import ChildProcesses
import Foundation
import Glibc
import PrinterLink

/// A program the LAN discovery tests run beside the agent (dbus-daemon, avahi-daemon, `ip netns exec …`), with
/// both outputs as lines that a test can wait on.
///
/// A `ChildProcess` (swift-subprocess): it learns of the child's exit from the kernel (a pidfd), not from a
/// descriptor the child inherits, so avahi-daemon, which closes every descriptor it inherits at start, is still
/// seen to end; and the child starts with default signal handling and no blocked signals, whatever the test
/// runner's threads block (a dbus-daemon started with SIGTERM blocked could not be stopped).
final class SandboxProcess: Sendable {
    private let child: ChildProcess

    init(_ program: String, _ arguments: [String], environment extra: [String: String] = [:]) throws {
        guard FileManager.default.isExecutableFile(atPath: program) else { throw AgentTestError("\(program) is not installed") }
        child = ChildProcess(program, arguments, environment: extra.mapValues { $0 })
    }

    /// Both outputs' lines, standard output's first.
    var output: [String] { child.standardOutput.all + child.standardError.all }

    /// The first line of either output that `matches`, waiting for it until `deadline`; nil when it did not come
    /// in time.
    func line(within deadline: Duration, where matches: @escaping @Sendable (String) -> Bool) async -> String? {
        enum Found: Sendable { case line(String?), deadline }
        let child = self.child
        return await withTaskGroup(of: Found.self) { group in
            group.addTask { .line(await child.standardOutput.first(where: matches)) }
            group.addTask { .line(await child.standardError.first(where: matches)) }
            group.addTask {
                try? await Task.sleep(for: deadline)
                return .deadline
            }
            var outputsEnded = 0
            defer { group.cancelAll() }
            while let found = await group.next() {
                switch found {
                case .line(let line?): return line
                case .line(nil):
                    // That output ended without one; the other may still have it.
                    outputsEnded += 1
                    if outputsEnded == 2 { return nil }
                case .deadline: return nil
                }
            }
            return nil
        }
    }

    /// SIGTERM (or `signal`), SIGKILL if it lingers, and its exit status as a shell reports it once it has gone.
    @discardableResult
    func stop(signal: Int32 = SIGTERM) async -> Int32 {
        await child.stop(signal).shellStatus
    }

    func finished() async -> Int32 {
        await child.exit.shellStatus
    }
}
