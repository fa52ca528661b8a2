import Foundation
import Logging
#if canImport(Glibc)
import Glibc
import Synchronization
#endif

/// How a slicer process may use the board: a Pi has two to four cores and little memory, and a print must not
/// stutter because a slice runs beside it.
public struct SlicerProcessLimits: Sendable, Equatable {
    public var time: Duration
    /// Address space (RLIMIT_AS) in bytes; nil for none.
    public var memoryBytes: Int?
    /// Added to the agent's priority (nice), so the serial link keeps its CPU.
    public var niceness: Int32
    /// After SIGTERM, how long the slicer has to end before SIGKILL.
    public var terminationGrace: Duration

    public init(time: Duration = .seconds(3600), memoryBytes: Int? = 2 << 30, niceness: Int32 = 10,
                terminationGrace: Duration = .seconds(2)) {
        self.time = time
        self.memoryBytes = memoryBytes
        self.niceness = niceness
        self.terminationGrace = terminationGrace
    }
}

/// How a slicer process ended.
public struct SlicerProcessOutcome: Sendable, Equatable {
    public enum Ending: Sendable, Equatable {
        case exited(Int32)
        case signalled(Int32)
    }

    public var ending: Ending
    public var timedOut: Bool
    public var cancelled: Bool
    /// The last lines of standard error, for a message when it crashed.
    public var standardErrorTail: [String]
    public var standardOutputTail: [String]
    /// The slicer's peak resident memory (`ru_maxrss`), in bytes.
    public var peakResidentBytes: Int
    public var wallTime: Duration
}

/// Runs one slicer: spawned in a process group of its own (so a kill reaches whatever it starts), standard input
/// from /dev/null, standard output and error drained concurrently on a thread of its own so that neither pipe
/// fills and stalls it, each line handed over as it arrives. Ended by SIGTERM, then SIGKILL after a grace period,
/// when it is cancelled or runs out of time.
public enum SlicerProcess {
    public typealias LineHandler = @Sendable (_ line: Substring, _ onStandardError: Bool) -> Void

    static let tailLength = 20
    /// Lines longer than this are cut: CuraEngine's `-v` echoes every setting on one line of about 25 KB.
    static let maximumLineLength = 64 * 1024

    /// - Parameter pidFile: where the slicer's process id is written, so that an agent killed while slicing (its
    ///   slicer lives on, in a group of its own) can end the orphan when it starts again (`endOrphan`).
    public static func run(executable: String, arguments: [String], environment: [String: String] = [:],
                           workingDirectory: String, limits: SlicerProcessLimits, pidFile: String? = nil, logger: Logger,
                           onLine: @escaping LineHandler) async throws -> SlicerProcessOutcome {
        let running = try RunningSlicer.spawn(executable: executable, arguments: arguments, environment: environment,
                                              workingDirectory: workingDirectory, limits: limits, logger: logger)
        if let pidFile { try? "\(running.pid)\n".write(toFile: pidFile, atomically: true, encoding: .utf8) }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let thread = Thread {
                    continuation.resume(returning: running.drain(onLine: onLine))
                }
                thread.name = "slicer \(running.pid)"
                thread.start()
            }
        } onCancel: {
            running.cancel()
        }
    }
}

extension SlicerProcess {
    /// Ends the slicer an earlier run of the agent left behind in `workingDirectory` (killed with `kill -9`, it had
    /// no chance to): its process group gets SIGKILL when the process named in `pidFile` still runs with that
    /// directory on its command line (a recycled process id belongs to someone else and is left alone).
    public static func endOrphan(pidFile: String, workingDirectory: String, logger: Logger) {
        guard let text = try? String(contentsOfFile: pidFile, encoding: .utf8),
              let pid = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)), pid > 1,
              let commandLine = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline"),
              String(decoding: commandLine.map { $0 == 0 ? 0x20 : $0 }, as: UTF8.self).contains(workingDirectory) else { return }
        logger.warning("ending slicer \(pid), left running by an agent that stopped unexpectedly")
        if kill(-pid, SIGKILL) != 0 { kill(pid, SIGKILL) }
    }
}

public enum SlicerProcessError: Error, Sendable, Equatable, CustomStringConvertible {
    case cannotStart(String, String)

    public var description: String {
        switch self {
        case .cannotStart(let path, let reason): return "cannot start \(path): \(reason)"
        }
    }
}

/// The spawned process and the two ends the agent reads. The draining thread owns it; `cancel` may come from any
/// thread and only writes a byte to the wake pipe.
final class RunningSlicer: @unchecked Sendable {
    let pid: pid_t
    private let output: Int32
    private let error: Int32
    private let wakeRead: Int32
    private let wakeWrite: Int32
    private let limits: SlicerProcessLimits
    private let logger: Logger
    private let started = ContinuousClock.now
    private let cancelRequested = Atomic(false)

    private init(pid: pid_t, output: Int32, error: Int32, wake: (Int32, Int32), limits: SlicerProcessLimits, logger: Logger) {
        self.pid = pid
        self.output = output
        self.error = error
        (wakeRead, wakeWrite) = wake
        self.limits = limits
        self.logger = logger
    }

    static func spawn(executable: String, arguments: [String], environment: [String: String], workingDirectory: String,
                      limits: SlicerProcessLimits, logger: Logger) throws -> RunningSlicer {
        // Checked here: behind nice and prlimit a missing program would only be their exit status 127.
        let found = executable.contains("/") ? (SlicerDiscovery.isExecutable(executable) ? executable : nil)
            : SlicerDiscovery.locateProgram(executable)
        guard let executable = found else { throw SlicerProcessError.cannotStart(executable, "no such program") }
        var outputPipe: [Int32] = [0, 0], errorPipe: [Int32] = [0, 0], wakePipe: [Int32] = [0, 0]
        guard closeOnExecPipe(&outputPipe) else { throw SlicerProcessError.cannotStart(executable, errnoText()) }
        guard closeOnExecPipe(&errorPipe) else {
            closeAll(outputPipe)
            throw SlicerProcessError.cannotStart(executable, errnoText())
        }
        guard closeOnExecPipe(&wakePipe) else {
            closeAll(outputPipe + errorPipe)
            throw SlicerProcessError.cannotStart(executable, errnoText())
        }
        _ = fcntl(wakePipe[1], F_SETFL, O_NONBLOCK)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, outputPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errorPipe[1], 2)
        // In the slice's own directory, so that anything a slicer writes beside its output goes with it.
        GNUExtensions.addChangeDirectory(&actions, workingDirectory)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // Its own process group, so that SIGTERM and SIGKILL reach every process it starts; default signal
        // handling, whatever the agent ignores.
        var defaults = sigset_t()
        sigfillset(&defaults)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        var inherited = ProcessInfo.processInfo.environment
        for (key, value) in environment { inherited[key] = value }
        let (command, limitsApplied) = limitedCommand([executable] + arguments, limits: limits)
        let argv = command.map { strdup($0) } + [nil]
        let envp = inherited.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let result = posix_spawnp(&pid, command[0], &actions, &attributes, argv, envp)
        close(outputPipe[1])
        close(errorPipe[1])
        guard result == 0 else {
            closeAll([outputPipe[0], errorPipe[0]] + wakePipe)
            throw SlicerProcessError.cannotStart(executable, String(cString: strerror(result)))
        }
        // Without nice(1) or prlimit(1) in the chain (see `limitedCommand`), set from here: the slicer has
        // hardly started by now, and its large allocations come after it has read the model.
        if let bytes = limits.memoryBytes, !limitsApplied.memory {
            var limit = rlimit(rlim_cur: rlim_t(bytes), rlim_max: rlim_t(bytes))
            if !GNUExtensions.setLimit(pid, resource: Int32(RLIMIT_AS.rawValue), &limit) {
                logger.warning("cannot limit the slicer's memory: \(errnoText())")
            }
        }
        if !limitsApplied.niceness {
            let current = getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0)
            if setpriority(__priority_which_t(PRIO_PROCESS.rawValue), id_t(pid), min(19, current + limits.niceness)) != 0 {
                logger.debug("cannot lower the slicer's priority: \(errnoText())")
            }
        }
        return RunningSlicer(pid: pid, output: outputPipe[0], error: errorPipe[0], wake: (wakePipe[0], wakePipe[1]),
                             limits: limits, logger: logger)
    }

    /// `nice -n N prlimit --as=BYTES -- slicer …`: each program sets its limit and execs the next, so the slicer
    /// starts with them (the same process id throughout: the runner still signals and reaps the slicer itself).
    static func limitedCommand(_ command: [String], limits: SlicerProcessLimits) -> ([String], (niceness: Bool, memory: Bool)) {
        var prefix: [String] = []
        var applied = (niceness: false, memory: false)
        if limits.niceness > 0, let nice = SlicerDiscovery.locateProgram("nice") {
            prefix += [nice, "-n", "\(limits.niceness)"]
            applied.niceness = true
        }
        if let bytes = limits.memoryBytes, let prlimit = SlicerDiscovery.locateProgram("prlimit") {
            prefix += [prlimit, "--as=\(bytes)", "--"]
            applied.memory = true
        }
        if limits.memoryBytes == nil { applied.memory = true }
        if limits.niceness <= 0 { applied.niceness = true }
        return (prefix + command, applied)
    }

    func cancel() {
        cancelRequested.store(true, ordering: .releasing)
        var byte: UInt8 = 1
        _ = write(wakeWrite, &byte, 1)
    }

    private var isCancelRequested: Bool { cancelRequested.load(ordering: .acquiring) }

    /// Reads both pipes until the slicer has closed them (it ended), ending it when asked or out of time; then
    /// reaps it.
    func drain(onLine: SlicerProcess.LineHandler) -> SlicerProcessOutcome {
        var outputLines = LineCollector(onStandardError: false)
        var errorLines = LineCollector(onStandardError: true)
        var open: (output: Bool, error: Bool) = (true, true)
        var terminatedAt: ContinuousClock.Instant?
        var killed = false
        var timedOut = false
        var cancelled = false
        let deadline = started + limits.time
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)

        while open.output || open.error {
            let now = ContinuousClock.now
            if terminatedAt == nil {
                if isCancelRequested { cancelled = true }
                if now >= deadline { timedOut = true }
                if cancelled || timedOut {
                    signalGroup(SIGTERM)
                    terminatedAt = now
                }
            } else if !killed, let terminatedAt, now - terminatedAt >= limits.terminationGrace {
                logger.warning("the slicer did not end within \(limits.terminationGrace) of SIGTERM: SIGKILL")
                signalGroup(SIGKILL)
                killed = true
            }
            var fds = [pollfd(fd: open.output ? output : -1, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: open.error ? error : -1, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0)]
            let ready = poll(&fds, 3, 100)
            if ready < 0, errno != EINTR { break }
            if fds[2].revents != 0 {
                var sink = [UInt8](repeating: 0, count: 16)
                _ = read(wakeRead, &sink, 16)
            }
            for (index, isError) in [(0, false), (1, true)] where fds[index].revents != 0 {
                let count = read(fds[index].fd, &buffer, buffer.count)
                if count > 0 {
                    if isError {
                        errorLines.append(buffer[0..<count], onLine)
                    } else {
                        outputLines.append(buffer[0..<count], onLine)
                    }
                } else if count == 0 || (errno != EINTR && errno != EAGAIN) {
                    if isError { open.error = false } else { open.output = false }
                }
            }
        }
        outputLines.finish(onLine)
        errorLines.finish(onLine)
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0, errno == EINTR {}
        // The group may outlive its leader (a helper it started); nothing of a slice is left running.
        if terminatedAt != nil { signalGroup(SIGKILL) }
        close(output)
        close(error)
        close(wakeRead)
        close(wakeWrite)
        let ending: SlicerProcessOutcome.Ending = (status & 0x7f) == 0
            ? .exited((status >> 8) & 0xff) : .signalled(status & 0x7f)
        return SlicerProcessOutcome(ending: ending, timedOut: timedOut, cancelled: cancelled,
                                    standardErrorTail: errorLines.tail, standardOutputTail: outputLines.tail,
                                    peakResidentBytes: usage.ru_maxrss * 1024, wallTime: ContinuousClock.now - started)
    }

    private func signalGroup(_ signal: Int32) {
        if kill(-pid, signal) != 0, errno == ESRCH { kill(pid, signal) }
    }

    private static func closeAll(_ descriptors: [Int32]) {
        for descriptor in descriptors { close(descriptor) }
    }
}

func errnoText() -> String { String(cString: strerror(errno)) }

/// `pipe2` is a GNU extension Swift's Glibc module does not show: pipe, then FD_CLOEXEC on both ends, before any
/// spawn can inherit them (the agent spawns from this thread only while it holds no other pipe half-made).
private func closeOnExecPipe(_ ends: inout [Int32]) -> Bool {
    guard pipe(&ends) == 0 else { return false }
    for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
    return true
}

/// glibc functions behind `_GNU_SOURCE`, which Swift's Glibc module leaves out: looked up once by name.
enum GNUExtensions {
    private typealias AddChangeDirectory = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32
    private typealias PRLimit = @convention(c) (pid_t, Int32, UnsafePointer<rlimit>?, UnsafeMutablePointer<rlimit>?) -> Int32

    private static func symbol(_ name: String) -> UnsafeMutableRawPointer? {
        guard let process = dlopen(nil, RTLD_NOW) else { return nil }
        return dlsym(process, name)
    }

    /// glibc 2.29 and later; without it the slicer runs in the agent's directory.
    static func addChangeDirectory(_ actions: inout posix_spawn_file_actions_t, _ path: String) {
        guard let found = symbol("posix_spawn_file_actions_addchdir_np") else { return }
        _ = path.withCString { unsafeBitCast(found, to: AddChangeDirectory.self)(&actions, $0) }
    }

    static func setLimit(_ pid: pid_t, resource: Int32, _ limit: inout rlimit) -> Bool {
        guard let found = symbol("prlimit") else { return false }
        return unsafeBitCast(found, to: PRLimit.self)(pid, resource, &limit, nil) == 0
    }
}

/// Splits one pipe's bytes into lines, keeping the last few for error messages.
private struct LineCollector {
    let onStandardError: Bool
    var pending: [UInt8] = []
    var tail: [String] = []

    init(onStandardError: Bool) {
        self.onStandardError = onStandardError
    }

    mutating func append(_ bytes: ArraySlice<UInt8>, _ onLine: SlicerProcess.LineHandler) {
        var start = bytes.startIndex
        while let newline = bytes[start...].firstIndex(where: { $0 == 0x0A || $0 == 0x0D }) {
            pending.append(contentsOf: bytes[start..<newline].prefix(SlicerProcess.maximumLineLength - pending.count))
            emit(onLine)
            start = newline + 1
        }
        let room = max(0, SlicerProcess.maximumLineLength - pending.count)
        pending.append(contentsOf: bytes[start...].prefix(room))
    }

    mutating func finish(_ onLine: SlicerProcess.LineHandler) {
        if !pending.isEmpty { emit(onLine) }
    }

    private mutating func emit(_ onLine: SlicerProcess.LineHandler) {
        defer { pending.removeAll(keepingCapacity: true) }
        guard !pending.isEmpty else { return }
        let line = String(decoding: pending, as: UTF8.self)
        onLine(line[...], onStandardError)
        tail.append(line.count > 300 ? String(line.prefix(300)) + "…" : line)
        if tail.count > SlicerProcess.tailLength { tail.removeFirst() }
    }
}
