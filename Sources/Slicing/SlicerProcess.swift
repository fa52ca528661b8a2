import Foundation
import Logging
import Subprocess
import SystemPackage
#if canImport(Glibc)
import Glibc
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

/// Runs one slicer with swift-subprocess: spawned in a process group of its own (so a kill reaches whatever it
/// starts), standard input from /dev/null, default signal handling whatever the agent ignores or blocks, standard
/// output and error drained concurrently so that neither pipe fills and stalls it, each line handed over as it
/// arrives. Ended by SIGTERM to its group, then SIGKILL after a grace period, when it is cancelled (the package's
/// teardown sequence) or runs out of time (the watch below).
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
        // Checked here: behind nice and prlimit a missing program would only be their exit status 127.
        let found = executable.contains("/") ? (SlicerDiscovery.isExecutable(executable) ? executable : nil)
            : SlicerDiscovery.locateProgram(executable)
        guard let executable = found else { throw SlicerProcessError.cannotStart(executable, "no such program") }
        let (command, limitsApplied) = limitedCommand([executable] + arguments, limits: limits)
        var options = PlatformOptions()
        options.processGroupID = 0
        options.teardownSequence = [.gracefulShutDown(toProcessGroup: true, allowedDurationToNextStep: limits.terminationGrace)]
        var updates: [Environment.Key: String?] = [:]
        for (key, value) in environment {
            if let key = Environment.Key(rawValue: key) { updates[key] = value }
        }
        // In the slice's own directory, so that anything a slicer writes beside its output goes with it.
        let configuration = Configuration(executable: .path(FilePath(command[0])), arguments: Arguments(Array(command.dropFirst())),
                                          environment: .inherit.updating(updates),
                                          workingDirectory: FilePath(workingDirectory), platformOptions: options)
        let started = ContinuousClock.now
        let watch = SlicerWatch(limits: limits, logger: logger)
        let status: TerminationStatus
        let pid: pid_t
        let drained: SlicerDrain
        do {
            let result = try await Subprocess.run(configuration, input: .none, output: .sequence, error: .sequence) { execution in
                let pid = execution.processIdentifier.value
                if let pidFile { try? "\(pid)\n".write(toFile: pidFile, atomically: true, encoding: .utf8) }
                applyLimits(to: pid, limits: limits, applied: limitsApplied, logger: logger)
                return await watch.drain(execution, deadline: started + limits.time, onLine: onLine)
            }
            (status, pid, drained) = (result.terminationStatus, result.processIdentifier.value, result.closureResult)
        } catch let error as SubprocessError {
            throw SlicerProcessError.cannotStart(executable, "\(error)")
        }
        // The group may outlive its leader (a helper it started); nothing of a slice is left running.
        if drained.timedOut || Task.isCancelled { kill(-pid, SIGKILL) }
        let ending: SlicerProcessOutcome.Ending
        switch status {
        case .exited(let code): ending = .exited(code)
        case .signaled(let signal): ending = .signalled(signal)
        }
        return SlicerProcessOutcome(ending: ending, timedOut: drained.timedOut, cancelled: Task.isCancelled && !drained.timedOut,
                                    standardErrorTail: drained.errorTail, standardOutputTail: drained.outputTail,
                                    peakResidentBytes: drained.peakResidentBytes, wallTime: ContinuousClock.now - started)
    }

    /// Without nice(1) or prlimit(1) in the chain (see `limitedCommand`), set from here: the slicer has hardly
    /// started by now, and its large allocations come after it has read the model.
    private static func applyLimits(to pid: pid_t, limits: SlicerProcessLimits, applied: (niceness: Bool, memory: Bool),
                                    logger: Logger) {
        if let bytes = limits.memoryBytes, !applied.memory {
            var limit = rlimit(rlim_cur: rlim_t(bytes), rlim_max: rlim_t(bytes))
            if !GNUExtensions.setLimit(pid, resource: Int32(RLIMIT_AS.rawValue), &limit) {
                logger.warning("cannot limit the slicer's memory: \(errnoText())")
            }
        }
        if !applied.niceness {
            let current = getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0)
            if setpriority(__priority_which_t(PRIO_PROCESS.rawValue), id_t(pid), min(19, current + limits.niceness)) != 0 {
                logger.debug("cannot lower the slicer's priority: \(errnoText())")
            }
        }
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

func errnoText() -> String { String(cString: strerror(errno)) }

/// glibc functions behind `_GNU_SOURCE`, which Swift's Glibc module leaves out: looked up once by name.
enum GNUExtensions {
    private typealias PRLimit = @convention(c) (pid_t, Int32, UnsafePointer<rlimit>?, UnsafeMutablePointer<rlimit>?) -> Int32

    private static func symbol(_ name: String) -> UnsafeMutableRawPointer? {
        guard let process = dlopen(nil, RTLD_NOW) else { return nil }
        return dlsym(process, name)
    }

    static func setLimit(_ pid: pid_t, resource: Int32, _ limit: inout rlimit) -> Bool {
        guard let found = symbol("prlimit") else { return false }
        return unsafeBitCast(found, to: PRLimit.self)(pid, resource, &limit, nil) == 0
    }
}
