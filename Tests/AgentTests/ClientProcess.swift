import ChildProcesses
import Foundation
import Glibc
import PrinterLink

/// The built `3dp-agent` executable run as a child process, the way a person or a script runs
/// `3dp-agent client …`: its own configuration home (so its token file is the test's), standard input on a pipe,
/// standard output read line by line as it comes (`ChildProcess`, so that no thread blocks on a pipe).
final class ClientProcess: Sendable {
    struct Outcome {
        var status: Int32
        /// True when a signal ended it; `status` is then the signal's number.
        var signalled: Bool
        var stdout: String
        var stderr: String
        var pid: Int32
        var lines: [String] { stdout.split(separator: "\n", omittingEmptySubsequences: true).map(String.init) }
    }

    private let child: ChildProcess

    /// Starts `3dp-agent arguments…` with `XDG_CONFIG_HOME` set to `configHome` and `THREEDP_AGENT_URL` unset
    /// unless `environment` sets it.
    init(_ arguments: [String], configHome: URL, environment extra: [String: String] = [:]) throws {
        var environment: [String: String?] = ["THREEDP_AGENT_URL": nil, "XDG_CONFIG_HOME": configHome.path]
        for (key, value) in extra { environment[key] = value }
        child = ChildProcess(try Self.executable().path, arguments, environment: environment)
    }

    /// Runs a verb that needs nothing on standard input to its end.
    static func run(_ arguments: [String], configHome: URL, environment: [String: String] = [:]) async throws -> Outcome {
        let client = try ClientProcess(arguments, configHome: configHome, environment: environment)
        client.closeInput()
        return await client.finished()
    }

    var isRunning: Bool { child.isRunning }

    func send(_ text: String) {
        child.send(text)
    }

    func closeInput() {
        child.closeInput()
    }

    /// The next line of standard output; nil once it has ended.
    func nextLine() async -> String? {
        await child.standardOutput.next()
    }

    /// The next line of standard error (where the agent logs); nil once it has ended.
    func nextErrorLine() async -> String? {
        await child.standardError.next()
    }

    /// SIGKILL: the process gets no chance to save or clean anything, as in a crash or a power cut.
    func kill() {
        child.signal(SIGKILL)
    }

    /// Waits for the process to exit and both of its outputs to end.
    func finished() async -> Outcome {
        let exit = await child.exit
        return Outcome(status: exit.code, signalled: exit.signalled, stdout: child.standardOutput.text,
                       stderr: child.standardError.text, pid: await child.processID ?? -1)
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
