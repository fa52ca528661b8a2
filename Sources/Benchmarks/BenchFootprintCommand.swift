import ArgumentParser
import ChildProcesses
import CommandSupport
import ContentServer
import Endpoint
import Foundation
import Glibc
import Logging
import ManagerClient

/// `3dp-agent bench footprint`: the memory and CPU of `3dp-agent run` itself, this same binary started as a child
/// process with a configuration file, as systemd starts it (run it as the installed binary to measure the package).
/// A virtual printer at 250000 baud is its printer; the reference content server runs in this process. Measures:
/// the time from exec to the endpoint's "listening" log line; after `--idle-seconds` with the printer connected and
/// idle, VmRSS and the private pages (/proc/PID/smaps); printing with `--clients` WebSocket subscribers, CPU and
/// RSS; and the peak RSS while it downloads a `--download-mb` content for print.start.
struct BenchFootprintCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "footprint",
        abstract: "Memory, start time and CPU of 3dp-agent run (this binary) idle, printing and downloading."
    )

    /// The targets of issue 12, in decimal megabytes as the issue writes them (25 MB is 23.8 MiB): the stricter
    /// reading of "MB".
    static let idleResidentTarget = 25_000_000
    static let idlePrivateTarget = 10_000_000
    static let listeningTargetMilliseconds = 150.0
    static let printingResidentTarget = 30_000_000
    static let printingCPUTargetPercent = 5.0
    static let downloadPeakTarget = 30_000_000
    static let serviceId = "footprint"
    static let baud = 250_000

    @Option(name: .customLong("idle-seconds"), help: "Seconds the connected printer stays idle before the idle figures.")
    var idleSeconds = 60.0

    @Option(name: .customLong("print-seconds"), help: "Seconds of printing measured with the subscribers.")
    var printSeconds = 30.0

    @Option(help: "WebSocket subscribers of printer.status while printing.")
    var clients = 10

    @Option(name: .customLong("download-mb"), help: "Size of the downloaded content in MiB (0: no download).")
    var downloadMB = 1024

    @Flag(help: "One JSON object instead of text.")
    var json = false

    /// Drives the agent through the same phases under a profiler (`Scripts/link-order.sh` runs it under callgrind to
    /// learn which functions start, idle, print and download), whose figures are then the profiler's, not the agent's.
    @Option(name: .customLong("agent-launcher"), help: ArgumentHelp(
        "A command the agent runs under, e.g. \"valgrind --tool=callgrind\"; its figures are then not the agent's.",
        visibility: .hidden))
    var agentLauncher: String?

    struct Result: Codable {
        var binaryBytes: Int64
        var listeningMilliseconds: Double
        var idle: MemorySample
        var printing: MemorySample
        var printingCPUPercent: Double
        var printingSubscribers: Int
        var downloadMB: Int
        var downloadPeakResidentBytes: Int64
        var peakResidentBytes: Int64
    }

    func validate() throws {
        guard idleSeconds >= 0, printSeconds >= 1 else { throw ValidationError("--idle-seconds >= 0, --print-seconds >= 1") }
        guard clients >= 1, downloadMB >= 0 else { throw ValidationError("--clients >= 1, --download-mb >= 0") }
    }

    func run() async throws {
        CommandLogging.setUp(level: .warning)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("3dp-agent-bench-footprint-\(getpid())")
        let contents = folder.appendingPathComponent("contents")
        let state = folder.appendingPathComponent("state")
        try FileManager.default.createDirectory(at: contents, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: state, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(at: folder) }
        // At 250000 baud the dense lines go at about 700 a second: enough for the print window and the start.
        _ = try DenseGCode.write(lines: Int((printSeconds + 60) * 1000), to: contents.appendingPathComponent("print.gcode").path)
        if downloadMB > 0 {
            try BenchDownloadCommand.writeContent(megabytes: downloadMB, to: contents.appendingPathComponent("large.gcode").path)
        }
        let token = try AccessTokenStore(directory: state).issue(label: "bench footprint", now: Date()).token
        let result = try await SimulatorProcess.with(arguments: ["--baud", "\(Self.baud)", "--time-scale", "50"]) { simulator in
            let settings = ContentServerSettings(root: contents.path, port: 0, adminKey: UUID().uuidString,
                                                 tokenLifetime: .seconds(86_400))
            return try await ContentServer.serve(settings, logger: Logger(label: "bench.content")) { content in
                let config = folder.appendingPathComponent("agent.toml").path
                try Self.configuration(state: state.path, printer: simulator.devicePath, contentServer: content.baseURL,
                                       clients: clients).write(toFile: config, atomically: true, encoding: .utf8)
                let launcher = agentLauncher.map { $0.split(separator: " ").map(String.init) } ?? []
                return try await AgentProcess.with(config: config, launcher: launcher) { agent in
                    try await measure(agent: agent, content: content, token: token)
                }
            }
        }
        report(result)
    }

    static func configuration(state: String, printer: String, contentServer: String, clients: Int) throws -> String {
        """
        [agent]
        state_directory = "\(state)"
        log_level = "notice"
        [endpoint]
        listen = "127.0.0.1:\(try freePort())"
        max_connections_per_address = \(max(32, clients + 8))
        [content]
        reserve_mb = 64
        [[content_server]]
        url = "\(contentServer)"
        allow_plain_http = true
        [[printer]]
        id = "\(serviceId)"
        port = "\(printer)"
        baud = \(baud)

        """
    }

    /// A port the kernel reports free now: the configuration refuses port 0. The agent binds it a moment later.
    static func freePort() throws -> Int {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw ValidationError("socket: errno \(errno)") }
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(socket, $0, length) == 0 && getsockname(socket, $0, &length) == 0
            }
        }
        guard bound else { throw ValidationError("bind: errno \(errno)") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    private func measure(agent: AgentProcess, content: RunningContentServer, token: String) async throws -> Result {
        let url = AgentURL(host: "127.0.0.1", port: agent.port)
        return try await AgentSession.with(url: url, accessToken: token) { session in
            try await Self.waitUntil("the printer is online", within: .seconds(60)) {
                let services = try await session.call("service.discover")["services"]?.arrayValue ?? []
                return services.contains { $0["online"]?.boolValue == true }
            }
            try await Task.sleep(for: .seconds(idleSeconds))
            // smaps counts a mapped file's page as dirty while the page cache has not written it back: a binary
            // installed or built a moment ago would look like 30 MB of private memory. On a board it never is.
            sync()
            let idle = try MemorySample.read(pid: agent.pid)

            let printJob = try await start(session: session, content: content, contentId: "print.gcode")
            try await Self.waitUntil("the job prints", within: .seconds(120)) {
                try await Self.state(of: printJob, session: session) == "printing"
            }
            let (cpuPercent, printing, errors) = try await SubscribersProcess.with(
                port: agent.port, clients: clients, seconds: printSeconds, token: token
            ) { subscribers in
                var windowStart: (cpu: Int64, wall: Int64)?
                var cpuPercent: Double?
                while let line = await subscribers.standardOutput.next() {
                    if line == BenchEventsClientsCommand.measuringLine {
                        windowStart = (try ProcessTimes.cpuNanoseconds(pid: agent.pid), WallClock.nanoseconds())
                    } else if line == BenchEventsClientsCommand.windowEndLine, let start = windowStart {
                        let cpu = try ProcessTimes.cpuNanoseconds(pid: agent.pid) - start.cpu
                        cpuPercent = Double(cpu) / Double(WallClock.nanoseconds() - start.wall) * 100
                    }
                }
                let printing = try MemorySample.read(pid: agent.pid)
                await subscribers.stop()
                return (cpuPercent, printing, subscribers.standardError.text)
            }
            guard let cpuPercent else { throw ValidationError("the subscribers did not report: \(errors)") }
            guard try await Self.state(of: printJob, session: session) == "printing" else {
                throw ValidationError("the job stopped printing during the window: the figures would not be a print's")
            }
            _ = try await session.call("print.stop", params: ["serviceId": .string(Self.serviceId)])

            var downloadPeak: Int64 = 0
            if downloadMB > 0 {
                let job = try await start(session: session, content: content, contentId: "large.gcode")
                // RSS sampled every 50 ms while the job fetches; VmHWM after it covers what falls between samples.
                try await Self.waitUntil("the download ends", within: .seconds(600), every: .milliseconds(50)) {
                    downloadPeak = max(downloadPeak, try MemorySample.read(pid: agent.pid).residentBytes)
                    let state = try await Self.state(of: job, session: session)
                    return state != "queued" && state != "downloading"
                }
            }
            let last = try MemorySample.read(pid: agent.pid)
            return Result(binaryBytes: agent.binaryBytes, listeningMilliseconds: agent.listeningMilliseconds, idle: idle,
                          printing: printing, printingCPUPercent: cpuPercent, printingSubscribers: clients,
                          downloadMB: downloadMB, downloadPeakResidentBytes: max(downloadPeak, downloadMB > 0 ? last.peakResidentBytes : 0),
                          peakResidentBytes: last.peakResidentBytes)
        }
    }

    private func start(session: AgentSession, content: RunningContentServer, contentId: String) async throws -> String {
        let issued = try await content.issueToken(contentId: contentId)
        let answer = try await session.call("print.start", params: [
            "serviceId": .string(Self.serviceId), "contentServer": .string(content.baseURL), "token": .string(issued.token),
        ])
        guard let id = answer["job"]?["jobId"]?.stringValue else { throw ValidationError("print.start gave no job") }
        return id
    }

    private static func state(of job: String, session: AgentSession) async throws -> String {
        let jobs = try await session.call("queue.list", params: ["include": "all"])["jobs"]?.arrayValue ?? []
        return jobs.first { $0["jobId"]?.stringValue == job }?["state"]?.stringValue ?? "gone"
    }

    /// The agent is another process: what it does is seen only by asking it, so this asks at an interval.
    private static func waitUntil(_ what: String, within limit: Duration, every interval: Duration = .milliseconds(100),
                                  _ done: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + limit
        while try await !done() {
            guard ContinuousClock.now < deadline else { throw ValidationError("timed out waiting until \(what)") }
            try await Task.sleep(for: interval)
        }
    }

    private func report(_ result: Result) {
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            if let data = try? encoder.encode(result) { Console.line(String(decoding: data, as: UTF8.self)) }
            return
        }
        func mib(_ bytes: Int64) -> String { String(format: "%.1f MiB", Double(bytes) / 1_048_576) }
        func both(_ bytes: Int64) -> String { mib(bytes) + String(format: " = %.1f MB", Double(bytes) / 1_000_000) }
        func verdict(_ met: Bool) -> String { met ? "met" : "NOT MET" }
        let idle = result.idle
        Console.line("bench footprint: 3dp-agent run (\(mib(result.binaryBytes)) binary) with a virtual printer at \(Self.baud) baud")
        Console.line(String(format: "  start to listening: %.0f ms ", result.listeningMilliseconds)
            + "(target < \(Int(Self.listeningTargetMilliseconds)) ms: "
            + "\(verdict(result.listeningMilliseconds < Self.listeningTargetMilliseconds)))")
        Console.line("  idle \(Int(idleSeconds)) s, printer connected: VmRSS \(both(idle.residentBytes)) "
            + "(target < 25 MB: \(verdict(idle.residentBytes < Self.idleResidentTarget))); private \(both(idle.privateBytes)) "
            + "(target < 10 MB: \(verdict(idle.privateBytes < Self.idlePrivateTarget)))")
        Console.line("    smaps_rollup: Private_Dirty \(mib(idle.privateDirtyBytes)), Anonymous \(mib(idle.anonymousBytes)); "
            + "resident by mapping: \(idle.residentByMapping.map { "\($0.name) \(mib($0.bytes))" }.joined(separator: ", "))")
        Console.line("  printing, \(result.printingSubscribers) WebSocket subscribers, \(Int(printSeconds)) s: VmRSS "
            + "\(both(result.printing.residentBytes)) (target < 30 MB: \(verdict(result.printing.residentBytes < Self.printingResidentTarget))), "
            + String(format: "CPU %.1f%% of one core ", result.printingCPUPercent)
            + "(target < 5%: \(verdict(result.printingCPUPercent < Self.printingCPUTargetPercent)))")
        if result.downloadMB > 0 {
            Console.line("  download of \(result.downloadMB) MiB: peak RSS \(both(result.downloadPeakResidentBytes)) "
                + "(target < 30 MB: \(verdict(result.downloadPeakResidentBytes < Self.downloadPeakTarget)))")
        }
        Console.line("  VmHWM over the whole run: \(mib(result.peakResidentBytes))")
    }
}

/// One look at a process's memory: /proc/PID/status and /proc/PID/smaps.
struct MemorySample: Codable {
    struct Mapping: Codable {
        var name: String
        var bytes: Int64
    }

    var residentBytes: Int64
    var peakResidentBytes: Int64
    var privateDirtyBytes: Int64
    var anonymousBytes: Int64
    /// Pages no other process shares, each counted once: per mapping the larger of Private_Dirty and Anonymous
    /// (an anonymous page that was written is both; adding the two rollup figures would count it twice).
    var privateBytes: Int64
    /// Resident bytes by what is mapped: the binary, each shared library, "[anonymous]" for heap and stacks.
    var residentByMapping: [Mapping]

    static func read(pid: Int32) throws -> MemorySample {
        let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
        let smaps = try String(contentsOfFile: "/proc/\(pid)/smaps", encoding: .utf8)
        var sample = MemorySample(residentBytes: kilobytes("VmRSS:", in: status), peakResidentBytes: kilobytes("VmHWM:", in: status),
                                  privateDirtyBytes: 0, anonymousBytes: 0, privateBytes: 0, residentByMapping: [])
        var byName: [String: Int64] = [:]
        var name = ""
        var dirty: Int64 = 0
        var anonymous: Int64 = 0
        func close() {
            sample.privateBytes += max(dirty, anonymous)
            dirty = 0
            anonymous = 0
        }
        for line in smaps.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard let first = fields.first else { continue }
            if first.contains("-"), fields.count >= 5 {  // a mapping's header: address perms offset dev inode [path]
                close()
                name = fields.count >= 6 ? String(fields[5].split(separator: "/").last ?? fields[5]) : "[anonymous]"
                if name.hasPrefix("[heap]") || name.hasPrefix("[stack") { name = "[anonymous]" }
                continue
            }
            guard fields.count >= 2, let value = Int64(fields[1]) else { continue }
            switch first {
            case "Rss:": byName[name, default: 0] += value * 1024
            case "Private_Dirty:": dirty = value * 1024; sample.privateDirtyBytes += value * 1024
            case "Anonymous:": anonymous = value * 1024; sample.anonymousBytes += value * 1024
            default: break
            }
        }
        close()
        sample.residentByMapping = byName.filter { $0.value >= 256 << 10 }.sorted { $0.value > $1.value }
            .map { Mapping(name: $0.key, bytes: $0.value) }
        return sample
    }

    private static func kilobytes(_ key: String, in status: String) -> Int64 {
        for line in status.split(separator: "\n") where line.hasPrefix(key) {
            return (line.split(separator: " ").dropFirst().first.flatMap { Int64($0) } ?? 0) * 1024
        }
        return 0
    }
}

/// The CPU time of another process, from /proc/PID/stat (utime + stime, in clock ticks).
enum ProcessTimes {
    static func cpuNanoseconds(pid: Int32) throws -> Int64 {
        let stat = try String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)
        // The command name in parentheses may hold spaces: the fields are counted after its closing parenthesis.
        guard let close = stat.lastIndex(of: ")") else { throw ValidationError("unreadable /proc/\(pid)/stat") }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 13, let user = Int64(fields[11]), let system = Int64(fields[12]) else {
            throw ValidationError("unreadable /proc/\(pid)/stat")
        }
        return (user + system) * 1_000_000_000 / Int64(sysconf(Int32(_SC_CLK_TCK)))
    }
}

/// `3dp-agent run --config FILE` as a child, as systemd runs it; the port and the start time come from its log.
struct AgentProcess {
    let pid: Int32
    let port: Int
    let listeningMilliseconds: Double
    let binaryBytes: Int64

    /// Runs `body` once the agent listens, and stops the agent (SIGTERM) however `body` ends.
    static func with<Result>(config: String, launcher: [String] = [],
                             _ body: (AgentProcess) async throws -> Result) async throws -> Result {
        let executable = SimulatorProcess.executable
        let binaryBytes = (try? FileManager.default.attributesOfItem(atPath: executable)[.size] as? Int64) ?? 0
        let started = ContinuousClock.now
        // A launcher goes through env, so that it is looked up on PATH; it execs the agent in the same process.
        let child = launcher.isEmpty ? ChildProcess(executable, ["run", "--config", config])
            : ChildProcess("/usr/bin/env", launcher + [executable, "run", "--config", config])
        return try await child.stopping {
            // The agent logs on standard error; the rest of its log is drained and kept (bounded) by the child.
            let listening = await child.standardError.first { $0.contains("3DP-1 endpoint listening on ") }
            let elapsed = ContinuousClock.now - started
            guard let listening, let range = listening.range(of: "3DP-1 endpoint listening on "),
                  // "host:port", then perhaps metadata; an IPv6 host has colons of its own.
                  let port = listening[range.upperBound...].prefix(while: { $0 != " " }).split(separator: ":").last
                      .flatMap({ Int($0.prefix { $0.isNumber }) }),
                  let pid = await child.processID else {
                await child.stop()
                throw ValidationError("3dp-agent run did not start listening: \(child.standardError.text)")
            }
            let milliseconds = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
            return try await body(AgentProcess(pid: pid, port: port, listeningMilliseconds: milliseconds,
                                               binaryBytes: binaryBytes))
        }
    }
}
