import Subprocess
import SystemPackage
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A child process that outlives the call that starts it — a simulator, a content server, the agent under test —
/// run with swift-subprocess: both outputs drained as they come (`standardOutput`, `standardError`), standard
/// input on a pipe, stopped with a signal and then SIGKILL after a grace period, and reaped.
///
/// swift-subprocess hands a running child only to a closure, for the length of that closure; a child that a
/// caller starts, talks to and stops later runs in a task of its own here, and every request (write, signal,
/// stop) goes to that closure as a message. Dropping the last reference cancels the task, which tears the child
/// down the same way (SIGTERM, the grace period, SIGKILL); `stop()` and `stopping(after:)` do it and wait.
public final class ChildProcess: Sendable {
    /// How the child ended.
    public struct Exit: Sendable, Equatable, CustomStringConvertible {
        /// The exit code, or the signal's number when `signalled`.
        public var code: Int32
        public var signalled: Bool

        public init(code: Int32, signalled: Bool) {
            self.code = code
            self.signalled = signalled
        }

        /// As a shell reports it: the exit code, or 128 + the signal.
        public var shellStatus: Int32 { signalled ? 128 + code : code }

        public var description: String { signalled ? "signal \(code)" : "status \(code)" }

        /// It could not be started at all (shells say 127).
        public static let notStarted = Exit(code: 127, signalled: false)
    }

    private enum Request: Sendable {
        case write([UInt8], CheckedContinuation<Bool, Never>?)
        case closeInput
        case signal(Int32)
        case stop(Int32, Duration)
    }

    public let standardOutput: OutputLines
    public let standardError: OutputLines
    private let requests: AsyncStream<Request>.Continuation
    private let runner: Task<Exit, Never>
    private let shared: Shared

    private enum Started {
        case waiting([CheckedContinuation<pid_t?, Never>])
        case known(pid_t?)
    }

    /// What the running task and the callers share (Mutex and Atomic cannot be copied into a closure).
    private final class Shared: Sendable {
        let started = Mutex(Started.waiting([]))
        let ended = Atomic(false)
    }

    /// Starts `executable` (a path, or a name looked up on PATH) at once; a program that cannot be started ends
    /// at once with `Exit.notStarted`, the reason on `standardError`.
    ///
    /// - Parameters:
    ///   - environment: set (or, with nil, removed) on top of this process's own environment.
    ///   - ownProcessGroup: in a group of its own, signalled as a whole, so that what it starts ends with it.
    ///   - grace: how long a signalled child has to end before SIGKILL, when stopped or dropped.
    public init(_ executable: String, _ arguments: [String] = [], environment: [String: String?] = [:],
                workingDirectory: String? = nil, ownProcessGroup: Bool = false, grace: Duration = .seconds(5)) {
        var options = PlatformOptions()
        if ownProcessGroup { options.processGroupID = 0 }
        options.teardownSequence = [.gracefulShutDown(toProcessGroup: ownProcessGroup, allowedDurationToNextStep: grace)]
        var updates: [Environment.Key: String?] = [:]
        for (key, value) in environment {
            if let key = Environment.Key(rawValue: key) { updates[key] = value }
        }
        let configuration = Configuration(
            executable: executable.contains("/") ? .path(FilePath(executable)) : .name(executable),
            arguments: Arguments(arguments), environment: .inherit.updating(updates),
            workingDirectory: workingDirectory.map { FilePath($0) }, platformOptions: options)
        let (requestStream, requests) = AsyncStream.makeStream(of: Request.self)
        self.requests = requests
        let shared = Shared()
        self.shared = shared
        let output = OutputLines()
        let errors = OutputLines()
        standardOutput = output
        standardError = errors
        let toGroup = ownProcessGroup
        runner = Task {
            let exit: Exit
            do {
                let result = try await Subprocess.run(configuration, input: .inputWriter, output: .sequence,
                                                      error: .sequence) { execution in
                    let pid = execution.processIdentifier.value
                    Self.resolve(shared, pid)
                    await withTaskGroup(of: Void.self) { group in
                        group.addTask { await Self.drain(execution.standardOutput, into: output) }
                        group.addTask { await Self.drain(execution.standardError, into: errors) }
                        // Requests are served until the child has ended, not until its outputs have: a daemon
                        // may close them at start and still be stopped later.
                        group.addTask {
                            _ = await ExitWatch.ended(pid)
                            shared.ended.store(true, ordering: .releasing)
                            requests.finish()
                        }
                        for await request in requestStream {
                            await Self.serve(request, execution, toGroup: toGroup)
                        }
                        // Cancelled: the teardown sequence ends the child, and with it the outputs and the watch.
                        requests.finish()
                    }
                }
                switch result.terminationStatus {
                case .exited(let code): exit = Exit(code: code, signalled: false)
                case .signaled(let signal): exit = Exit(code: signal, signalled: true)
                }
            } catch {
                errors.append(text: "\(executable): \(error)\n")
                output.finish()
                errors.finish()
                exit = .notStarted
            }
            Self.resolve(shared, nil)
            shared.ended.store(true, ordering: .releasing)
            // Requests that came after the end.
            requests.finish()
            for await request in requestStream {
                if case .write(_, let done) = request { done?.resume(returning: false) }
            }
            return exit
        }
    }

    deinit {
        runner.cancel()
    }

    /// The child's process id once it runs; nil when it could not be started.
    public var processID: pid_t? {
        get async {
            await withCheckedContinuation { continuation in
                let known = shared.started.withLock { state -> pid_t?? in
                    switch state {
                    case .known(let pid): return .some(pid)
                    case .waiting(var waiting):
                        waiting.append(continuation)
                        state = .waiting(waiting)
                        return nil
                    }
                }
                if let known { continuation.resume(returning: known) }
            }
        }
    }

    /// Writes to the child's standard input; false when the child no longer reads it.
    @discardableResult
    public func write(_ text: String) async -> Bool {
        await withCheckedContinuation { continuation in
            if case .terminated = requests.yield(.write(Array(text.utf8), continuation)) {
                continuation.resume(returning: false)
            }
        }
    }

    /// Writes to the child's standard input without waiting for it, after whatever was asked before.
    public func send(_ text: String) {
        requests.yield(.write(Array(text.utf8), nil))
    }

    /// False once the child has ended (its outputs may still be being read).
    public var isRunning: Bool { !shared.ended.load(ordering: .acquiring) }

    /// Closes the child's standard input: it reads end of file.
    public func closeInput() {
        requests.yield(.closeInput)
    }

    /// Sends `signal` (to its group when it has one of its own) and returns at once.
    public func signal(_ signal: Int32) {
        requests.yield(.signal(signal))
    }

    /// Sends `signal`, then SIGKILL when the child has not ended within `grace`, and returns how it ended (at once
    /// when it already had).
    @discardableResult
    public func stop(_ signal: Int32 = SIGTERM, grace: Duration = .seconds(5)) async -> Exit {
        requests.yield(.stop(signal, grace))
        return await exit
    }

    /// How the child ended, once it has and both of its outputs are read to their end.
    public var exit: Exit {
        get async { await runner.value }
    }

    /// Runs `body`, then stops the child (`signal`, SIGKILL after `grace`) however `body` ends.
    public func stopping<Result>(with signal: Int32 = SIGTERM, grace: Duration = .seconds(5),
                                 after body: () async throws -> Result) async throws -> Result {
        do {
            let result = try await body()
            await stop(signal, grace: grace)
            return result
        } catch {
            await stop(signal, grace: grace)
            throw error
        }
    }

    /// What a child run to its end wrote, and how it ended.
    public struct Finished: Sendable {
        public var exit: Exit
        public var standardOutput: String
        public var standardError: String
    }

    /// Runs a child to its end with nothing on its standard input, both outputs collected (the last 100,000
    /// lines of each).
    public static func run(_ executable: String, _ arguments: [String] = [], environment: [String: String?] = [:],
                           workingDirectory: String? = nil) async -> Finished {
        let child = ChildProcess(executable, arguments, environment: environment, workingDirectory: workingDirectory)
        child.closeInput()
        let exit = await child.exit
        return Finished(exit: exit, standardOutput: child.standardOutput.text, standardError: child.standardError.text)
    }

    private static func resolve(_ shared: Shared, _ pid: pid_t?) {
        let waiting = shared.started.withLock { state -> [CheckedContinuation<pid_t?, Never>] in
            guard case .waiting(let waiting) = state else { return [] }
            state = .known(pid)
            return waiting
        }
        for continuation in waiting { continuation.resume(returning: pid) }
    }

    private static func drain(_ sequence: SubprocessOutputSequence, into lines: OutputLines) async {
        do {
            for try await buffer in sequence {
                buffer.withUnsafeBytes { lines.append($0) }
            }
        } catch {
            lines.append(text: "(reading the child's output failed: \(error))\n")
        }
        lines.finish()
    }

    private static func serve(_ request: Request, _ execution: Execution<CustomWriteInput, SequenceOutput, SequenceOutput>,
                              toGroup: Bool) async {
        switch request {
        case .write(let bytes, let done):
            let written = (try? await execution.standardInputWriter.write(bytes)) != nil
            done?.resume(returning: written)
        case .closeInput:
            try? await execution.standardInputWriter.finish()
        case .signal(let signal):
            try? execution.send(signal: Signal(rawValue: signal), toProcessGroup: toGroup)
        case .stop(let signal, let grace):
            await execution.teardown(using: [.send(signal: Signal(rawValue: signal), toProcessGroup: toGroup,
                                                   allowedDurationToNextStep: grace)])
        }
    }
}
