import Foundation
import Glibc
import PrinterLink

/// The built `3dp-agent` executable run as a child process, the way a person or a script runs
/// `3dp-agent client …`: its own configuration home (so its token file is the test's), standard input on a pipe,
/// standard output read line by line as it comes.
final class ClientProcess: @unchecked Sendable {
    struct Outcome {
        var status: Int32
        /// True when a signal ended it; `status` is then the signal's number.
        var signalled: Bool
        var stdout: String
        var stderr: String
        var pid: Int32
        var lines: [String] { stdout.split(separator: "\n", omittingEmptySubsequences: true).map(String.init) }
    }

    private let process = Process()
    private let input = Pipe()
    private let lineStream: AsyncStream<String>
    private let errorLineStream: AsyncStream<String>
    private let events: AsyncStream<Void>
    private let stdout = Locked([UInt8]())
    private let stderr = Locked([UInt8]())

    /// Starts `3dp-agent arguments…` with `XDG_CONFIG_HOME` set to `configHome` and `THREEDP_AGENT_URL` unset
    /// unless `environment` sets it.
    init(_ arguments: [String], configHome: URL, environment extra: [String: String] = [:]) throws {
        process.executableURL = try Self.executable()
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["THREEDP_AGENT_URL"] = nil
        environment["XDG_CONFIG_HOME"] = configHome.path
        environment.merge(extra) { _, new in new }
        process.environment = environment

        let output = Pipe()
        let errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        let (lineStream, lineSink) = AsyncStream.makeStream(of: String.self)
        let (errorLineStream, errorLineSink) = AsyncStream.makeStream(of: String.self)
        self.errorLineStream = errorLineStream
        let (events, eventSink) = AsyncStream.makeStream(of: Void.self)
        self.lineStream = lineStream
        self.events = events
        process.terminationHandler = { _ in eventSink.yield() }
        try process.run()

        // Blocking reads on threads of their own: the agent under test needs the few cooperative threads.
        Self.pump(output.fileHandleForReading, into: stdout, lines: lineSink) { eventSink.yield() }
        Self.pump(errors.fileHandleForReading, into: stderr, lines: errorLineSink) { eventSink.yield() }
    }

    /// Reads `handle` to its end on a thread: every byte into `buffer`, every whole line to `lines`.
    private static func pump(_ handle: FileHandle, into buffer: Locked<[UInt8]>, lines: AsyncStream<String>.Continuation,
                             ended: @escaping @Sendable () -> Void) {
        Thread {
            var partial: [UInt8] = []
            while true {
                let chunk = handle.availableData
                if chunk.isEmpty { break }
                buffer.withLock { $0.append(contentsOf: chunk) }
                partial.append(contentsOf: chunk)
                while let newline = partial.firstIndex(of: UInt8(ascii: "\n")) {
                    lines.yield(String(decoding: partial[..<newline], as: UTF8.self))
                    partial.removeSubrange(...newline)
                }
            }
            lines.finish()
            ended()
        }.start()
    }

    /// Runs a verb that needs nothing on standard input to its end.
    static func run(_ arguments: [String], configHome: URL, environment: [String: String] = [:]) async throws -> Outcome {
        let client = try ClientProcess(arguments, configHome: configHome, environment: environment)
        client.closeInput()
        return await client.finished()
    }

    var isRunning: Bool { process.isRunning }

    func send(_ text: String) {
        input.fileHandleForWriting.write(Data(text.utf8))
    }

    func closeInput() {
        try? input.fileHandleForWriting.close()
    }

    /// The next line of standard output; nil once it has ended.
    func nextLine() async -> String? {
        var lines = lineStream.makeAsyncIterator()
        return await lines.next()
    }

    /// The next line of standard error (where the agent logs); nil once it has ended.
    func nextErrorLine() async -> String? {
        var lines = errorLineStream.makeAsyncIterator()
        return await lines.next()
    }

    /// SIGKILL: the process gets no chance to save or clean anything, as in a crash or a power cut.
    func kill() {
        Glibc.kill(process.processIdentifier, SIGKILL)
    }

    /// Waits for the process to exit and both of its outputs to end.
    func finished() async -> Outcome {
        var remaining = 3
        for await _ in events {
            remaining -= 1
            if remaining == 0 { break }
        }
        return Outcome(status: process.terminationStatus, signalled: process.terminationReason == .uncaughtSignal,
                       stdout: String(decoding: stdout.withLock { $0 }, as: UTF8.self),
                       stderr: String(decoding: stderr.withLock { $0 }, as: UTF8.self), pid: process.processIdentifier)
    }

    /// The `3dp-agent` product, built beside this test bundle: the products directory is the bundle's own or one
    /// above it, under `swift test` and `swift test --scratch-path X` alike.
    static func executable() throws -> URL {
        var starts: [URL] = []
        if let bundle = Bundle.main.executableURL { starts.append(bundle.deletingLastPathComponent()) }
        starts.append(URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent())
        for start in starts {
            var directory = start.standardizedFileURL
            while directory.path != "/" {
                let candidate = directory.appendingPathComponent("3dp-agent")
                if isExecutableFile(candidate) { return candidate }
                let debug = directory.appendingPathComponent("debug/3dp-agent")
                if isExecutableFile(debug) { return debug }
                directory = directory.deletingLastPathComponent()
            }
        }
        let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let fallback = packageRoot.appendingPathComponent(".build/debug/3dp-agent")
        if isExecutableFile(fallback) { return fallback }
        throw AgentTestError("no built 3dp-agent executable near \(starts.map(\.path)) or at \(fallback.path)")
    }

    private static func isExecutableFile(_ url: URL) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) && !isDirectory.boolValue
            && FileManager.default.isExecutableFile(atPath: url.path)
    }

    /// A loopback port nothing listens on: bound for a moment to learn a free number, then released.
    static func unusedPort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw AgentTestError("socket: errno \(errno)") }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { general in
                bind(descriptor, general, length) == 0 && getsockname(descriptor, general, &length) == 0
            }
        }
        guard bound else { throw AgentTestError("bind: errno \(errno)") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
