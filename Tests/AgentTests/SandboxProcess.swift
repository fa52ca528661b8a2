import Foundation
import Glibc
import PrinterLink

/// A program the LAN discovery tests run beside the agent (dbus-daemon, avahi-daemon, `ip netns exec …`), with
/// both outputs merged into one record of lines that a test can wait on.
///
/// Spawned with posix_spawn and reaped by a thread of its own rather than with Foundation's `Process`: Foundation
/// learns of a child's exit from a socket the child inherits, and avahi-daemon closes every descriptor it
/// inherits at start, after which Foundation blocks in waitpid for it and hears of no other child's exit.
final class SandboxProcess: @unchecked Sendable {
    let pid: pid_t
    private let record = LineRecord()
    private let exited: AsyncStream<Int32>

    init(_ program: String, _ arguments: [String], environment extra: [String: String] = [:]) throws {
        var output: [Int32] = [0, 0]
        var errors: [Int32] = [0, 0]
        // Close-on-exec, so that no other child started meanwhile holds them open; dup2 gives the child its own.
        guard pipe(&output) == 0, pipe(&errors) == 0 else { throw AgentTestError("pipe: errno \(errno)") }
        for descriptor in output + errors { _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, output[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errors[1], 2)
        let environment = ProcessInfo.processInfo.environment.merging(extra) { _, new in new }.map { "\($0.key)=\($0.value)" }
        let argv = ([program] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup($0) } + [nil]
        defer { for pointer in argv + envp { free(pointer) } }
        // The spawning thread's blocked signals would be the child's: Swift's threads block SIGTERM, and a
        // dbus-daemon started so cannot be stopped.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t()
        sigemptyset(&none)
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var spawned: pid_t = 0
        let result = posix_spawn(&spawned, program, &actions, &attributes, argv, envp)
        let pid = spawned
        close(output[1])
        close(errors[1])
        guard result == 0 else {
            close(output[0])
            close(errors[0])
            throw AgentTestError("posix_spawn \(program): error \(result)")
        }
        self.pid = pid
        let (exited, exitSink) = AsyncStream.makeStream(of: Int32.self)
        self.exited = exited
        // The exit counts once the process has been reaped and both outputs are read to their end.
        let remaining = Locked((count: 3, status: Int32(0)))
        let ended: @Sendable (Int32?) -> Void = { status in
            let done = remaining.withLock { state -> Int32? in
                if let status { state.status = status }
                state.count -= 1
                return state.count == 0 ? state.status : nil
            }
            if let done {
                exitSink.yield(done)
                exitSink.finish()
            }
        }
        Thread {
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            // Exit code, or 128 + the signal as a shell reports it.
            ended(status & 0x7F == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F))
        }.start()
        for descriptor in [output[0], errors[0]] {
            Self.pump(FileHandle(fileDescriptor: descriptor, closeOnDealloc: true), into: record) { ended(nil) }
        }
    }

    var output: [String] { record.all }

    /// The first line that `matches`, waiting for it until `deadline`; nil when it did not come in time.
    func line(within deadline: Duration, where matches: @escaping @Sendable (String) -> Bool) async -> String? {
        await record.line(within: deadline, where: matches)
    }

    /// SIGTERM (or `signal`), and its exit status once it has gone.
    @discardableResult
    func stop(signal: Int32 = SIGTERM) async -> Int32 {
        kill(pid, signal)
        return await finished()
    }

    func finished() async -> Int32 {
        for await status in exited { return status }
        return -1
    }

    private static func pump(_ handle: FileHandle, into record: LineRecord, ended: @escaping @Sendable () -> Void) {
        Thread {
            var partial: [UInt8] = []
            while true {
                let chunk = handle.availableData
                if chunk.isEmpty { break }
                partial.append(contentsOf: chunk)
                while let newline = partial.firstIndex(of: UInt8(ascii: "\n")) {
                    record.append(String(decoding: partial[..<newline], as: UTF8.self))
                    partial.removeSubrange(...newline)
                }
            }
            ended()
        }.start()
    }
}
