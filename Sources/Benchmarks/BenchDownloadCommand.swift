import ArgumentParser
import ChildProcesses
import CommandSupport
import Content
import ContentContract
import Foundation
import Glibc
import Logging

/// `3dp-agent bench download`: a content of `--size-mb` on the reference content server (the release binary
/// `3dp-content-server` next to this one, in a child process), fetched `--runs` times by `curl -o` and by the
/// agent's content client, alternately, each in a process of its own. Throughput is counted from the request to
/// the last byte in the file (curl's `time_total`; for the agent, its last byte hashed and written); the agent's
/// fsync and rename that follow are reported apart, as is its peak resident memory (VmHWM).
struct BenchDownloadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "download",
        abstract: "Content download throughput, agent vs curl on loopback, and the agent's peak memory."
    )

    /// The targets of issue 4.
    static let ratioTarget = 0.9
    static let residentTargetBytes: Int64 = 40 << 20
    static let contentId = "bench.gcode"

    @Option(name: .customLong("size-mb"), help: "Size of the content in MiB.")
    var sizeMB = 1024

    @Option(help: "Measurements of each client (curl and agent alternate).")
    var runs = 3

    @Flag(help: "One JSON object instead of text.")
    var json = false

    struct Run: Codable {
        var curlMBps: Double
        var agentMBps: Double
        var agentSyncSeconds: Double
        var agentPeakResidentBytes: Int64
    }

    struct Result: Codable {
        var sizeMB: Int
        var runs: [Run]
        var curlMedianMBps: Double
        var agentMedianMBps: Double
        var medianRatio: Double
        var agentPeakResidentBytes: Int64
        var ratioTargetMet: Bool
        var residentTargetMet: Bool
    }

    func validate() throws {
        guard sizeMB >= 1 else { throw ValidationError("--size-mb must be at least 1") }
        guard runs >= 1 else { throw ValidationError("--runs must be at least 1") }
    }

    func run() async throws {
        CommandLogging.setUp(level: .warning)
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        let serverBinary = executable.deletingLastPathComponent().appendingPathComponent("3dp-content-server").path
        guard FileManager.default.isExecutableFile(atPath: serverBinary) else {
            throw ValidationError("\(serverBinary) is missing: build it next to this binary "
                                  + "(swift build -c release --product 3dp-content-server)")
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("3dp-agent-bench-download-\(getpid())")
        let root = folder.appendingPathComponent("root")
        let spool = folder.appendingPathComponent("spool")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: spool, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try Self.writeContent(megabytes: sizeMB, to: root.appendingPathComponent(Self.contentId).path)

        let (measured, uri) = try await ContentServerProcess.with(binary: serverBinary, root: root.path, contentId: Self.contentId) { server in
            let selection = try await Self.selection(server: server.baseURL, token: server.token)
            let size = selection.size

            var measured: [Run] = []
            for index in 0..<runs {
                let curlFile = spool.appendingPathComponent("curl-\(index).gcode").path
                let curlSeconds = try await Self.curl(uri: selection.uri, token: server.token, to: curlFile)
                let curlSize = (try? FileManager.default.attributesOfItem(atPath: curlFile)[.size] as? Int64) ?? -1
                try? FileManager.default.removeItem(atPath: curlFile)
                guard curlSize == size else { throw ValidationError("curl wrote \(curlSize) bytes, expected \(size)") }

                let final = spool.appendingPathComponent("agent-\(index).gcode").path
                let agent = try await Self.agent(executable: executable.path, server: server.baseURL, token: server.token,
                                                 part: final + ".part", final: final)
                try? FileManager.default.removeItem(atPath: final)
                guard agent.bytes == size else { throw ValidationError("the agent downloaded \(agent.bytes) bytes, expected \(size)") }
                measured.append(Run(curlMBps: Self.megabytesPerSecond(size, curlSeconds),
                                    agentMBps: Self.megabytesPerSecond(size, agent.transferSeconds),
                                    agentSyncSeconds: agent.syncSeconds, agentPeakResidentBytes: agent.peakResidentBytes))
            }
            return (measured, selection.uri)
        }
        let ratio = Self.median(measured.map { $0.agentMBps / $0.curlMBps })
        let peak = measured.map(\.agentPeakResidentBytes).max() ?? 0
        report(Result(sizeMB: sizeMB, runs: measured, curlMedianMBps: Self.median(measured.map(\.curlMBps)),
                      agentMedianMBps: Self.median(measured.map(\.agentMBps)), medianRatio: ratio,
                      agentPeakResidentBytes: peak, ratioTargetMet: ratio >= Self.ratioTarget,
                      residentTargetMet: peak < Self.residentTargetBytes),
               uri: uri)
    }

    /// Pseudo-random bytes (incompressible, so no layer can cheat), a MiB block at a time.
    static func writeContent(megabytes: Int, to path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil),
              let handle = FileHandle(forWritingAtPath: path) else { throw ValidationError("cannot write \(path)") }
        defer { try? handle.close() }
        var generator = SystemRandomNumberGenerator()
        var block = [UInt8](repeating: 0, count: 1 << 20)
        for index in 0..<megabytes {
            for offset in stride(from: 0, to: block.count, by: 8) {
                withUnsafeBytes(of: generator.next() as UInt64) { block.replaceSubrange(offset..<offset + 8, with: $0) }
            }
            withUnsafeBytes(of: UInt64(index)) { block.replaceSubrange(0..<8, with: $0) }
            try handle.write(contentsOf: block)
        }
        // On disk before the first measurement: the kernel would otherwise write these dirty pages back some 30 s
        // later, in the middle of whichever run is under way, and take CPU from it (one run in five was at half speed).
        try handle.synchronize()
    }

    static func selection(server: String, token: String) async throws -> ContentSelection {
        let client = ContentClient(
            settings: ContentSettings(servers: [TrustedContentServer(url: server, name: "bench", allowPlainHTTP: true)],
                                      spoolDirectory: FileManager.default.temporaryDirectory.path),
            logger: Logger(label: "bench"))
        do {
            let selection = try await client.selection(server: server, token: token)
            await client.shutdown()
            return selection
        } catch {
            await client.shutdown()
            throw ValidationError("the selection failed: \(error)")
        }
    }

    /// `curl -s -o FILE` with the token; its own `time_total`.
    static func curl(uri: String, token: String, to file: String) async throws -> Double {
        let output = await ChildProcess.run("/usr/bin/env", ["curl", "-s", "-f", "-o", file, "-w", "%{time_total}",
                                                             "-H", "Authorization: Bearer \(token)", uri])
        guard output.exit == ChildProcess.Exit(code: 0, signalled: false), let seconds = Double(output.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines))
        else { throw ValidationError("curl failed (\(output.exit)): \(output.standardError)") }
        return seconds
    }

    static func agent(executable: String, server: String, token: String, part: String,
                      final: String) async throws -> BenchDownloadClientCommand.Report {
        let output = await ChildProcess.run(executable, ["bench", "download-client", "--server", server,
                                                         "--part", part, "--final", final],
                                            environment: [BenchDownloadClientCommand.tokenVariable: token])
        guard output.exit == ChildProcess.Exit(code: 0, signalled: false),
              let report = try? JSONDecoder().decode(BenchDownloadClientCommand.Report.self,
                                                     from: Data(output.standardOutput.utf8))
        else { throw ValidationError("the agent's download failed (\(output.exit)): \(output.standardError)") }
        return report
    }

    static func megabytesPerSecond(_ bytes: Int64, _ seconds: Double) -> Double {
        seconds > 0 ? Double(bytes) / 1_048_576 / seconds : 0
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return 0 }
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    private func report(_ result: Result, uri: String) {
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            if let data = try? encoder.encode(result) { Console.line(String(decoding: data, as: UTF8.self)) }
            return
        }
        func rate(_ value: Double) -> String { String(format: "%.0f MiB/s", value) }
        func mib(_ bytes: Int64) -> String { String(format: "%.1f MiB", Double(bytes) / 1_048_576) }
        Console.line("bench download: \(result.sizeMB) MiB from the reference content server on loopback, "
            + "\(result.runs.count) runs, curl and agent alternating")
        Console.line("  command: 3dp-agent bench download --size-mb \(result.sizeMB) --runs \(result.runs.count)")
        Console.line("  curl:    curl -s -f -o FILE -w %{time_total} -H 'Authorization: Bearer $TOKEN' \(uri)")
        Console.line("  agent:   3dp-agent bench download-client --server URL --part FILE.part --final FILE (ContentClient)")
        for (index, run) in result.runs.enumerated() {
            Console.line("  run \(index + 1): curl \(rate(run.curlMBps)), agent \(rate(run.agentMBps)) "
                + String(format: "(ratio %.2f; then fsync+rename %.2f s), ", run.agentMBps / run.curlMBps, run.agentSyncSeconds)
                + "agent peak RSS \(mib(run.agentPeakResidentBytes))")
        }
        Console.line("  median: curl \(rate(result.curlMedianMBps)), agent \(rate(result.agentMedianMBps)), "
            + String(format: "agent/curl %.2f (median of the runs' ratios)", result.medianRatio))
        Console.line("  agent peak resident memory: \(mib(result.agentPeakResidentBytes))")
        Console.line("  targets: ratio >= \(Self.ratioTarget) \(result.ratioTargetMet ? "met" : "MISSED"), "
            + "peak RSS < \(mib(Self.residentTargetBytes)) \(result.residentTargetMet ? "met" : "MISSED")")
    }
}

/// `3dp-agent bench download-client` (hidden): one download by the agent's content client in a process of its
/// own, so that its peak resident memory is its own. The token comes in the environment (argv is public).
/// Prints one JSON line (`Report`).
struct BenchDownloadClientCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "download-client",
        abstract: "One content download of bench download (started by it).",
        shouldDisplay: false
    )

    static let tokenVariable = "THREEDP_AGENT_BENCH_CONTENT_TOKEN"

    struct Report: Codable {
        var bytes: Int64
        /// From the selection's answer to the last byte hashed and written.
        var transferSeconds: Double
        /// The size and hash check, fsync, rename and directory fsync that follow.
        var syncSeconds: Double
        /// VmHWM of this process just before it exits.
        var peakResidentBytes: Int64
    }

    @Option(help: "The content server's URL.")
    var server: String

    @Option(help: "The part file.")
    var part: String

    @Option(help: "The final file.")
    var final: String

    func run() async throws {
        CommandLogging.setUp(level: .warning)
        guard let token = ProcessInfo.processInfo.environment[Self.tokenVariable], !token.isEmpty else {
            throw ValidationError("no token in \(Self.tokenVariable)")
        }
        let spool = (final as NSString).deletingLastPathComponent
        let client = ContentClient(
            settings: ContentSettings(servers: [TrustedContentServer(url: server, name: "bench", allowPlainHTTP: true)],
                                      spoolDirectory: spool),
            logger: Logger(label: "3dp-agent"))
        // The handler runs on the client's event loop; the stream keeps the first instant it is given and drops
        // any later one.
        let (lastByte, lastByteSink) = AsyncStream.makeStream(of: ContinuousClock.Instant.self, bufferingPolicy: .bufferingOldest(1))
        let outcome: Result<(DownloadedContent, ContinuousClock.Instant, ContinuousClock.Instant), ContentError>
        do {
            let selection = try await client.selection(server: server, token: token)
            let start = ContinuousClock.now
            let downloaded = try await client.download(selection, server: server, token: token, partPath: part,
                                                       finalPath: final) { progress in
                if progress.bytes == progress.total {
                    lastByteSink.yield(ContinuousClock.now)
                }
            }
            outcome = .success((downloaded, start, ContinuousClock.now))
        } catch {
            outcome = .failure(error)
        }
        await client.shutdown()
        let (downloaded, start, end) = try outcome.get()
        lastByteSink.finish()
        var lastBytes = lastByte.makeAsyncIterator()
        let last = await lastBytes.next() ?? end
        let report = Report(bytes: downloaded.size, transferSeconds: Self.seconds(last - start),
                            syncSeconds: Self.seconds(end - last), peakResidentBytes: Self.peakResidentBytes())
        let data = try JSONEncoder().encode(report)
        Console.line(String(decoding: data, as: UTF8.self))
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    /// `VmHWM` of /proc/self/status: the most this process ever held resident.
    static func peakResidentBytes() -> Int64 {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return -1 }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let kilobytes = line.split(separator: " ").dropFirst().first.flatMap { Int64($0) } ?? -1
            return kilobytes * 1024
        }
        return -1
    }
}

/// The reference content server as a child process, with a token issued for the bench's content.
struct ContentServerProcess {
    let baseURL: String
    let token: String

    /// Runs `body` once the server serves, and stops the server (SIGINT, as a person would) however `body` ends.
    static func with<Result>(binary: String, root: String, contentId: String,
                             _ body: (ContentServerProcess) async throws -> Result) async throws -> Result {
        let child = ChildProcess(binary, ["--root", root, "--listen", "127.0.0.1:0", "--admin-key", UUID().uuidString,
                                          "--token-lifetime", "86400", "--issue", contentId])
        return try await child.stopping(with: SIGINT) {
            var baseURL: String?
            var token: String?
            while baseURL == nil || token == nil, let line = await child.standardOutput.next() {
                if line.hasPrefix("3dp-content-server: serving"), let at = line.range(of: " at ", options: .backwards) {
                    baseURL = String(line[at.upperBound...])
                } else if line.hasPrefix("token for"), let colon = line.range(of: "): ") {
                    token = String(line[colon.upperBound...])
                }
            }
            guard let baseURL, let token else {
                await child.stop(SIGINT)
                throw ValidationError("the content server did not start (\(binary)): \(child.standardError.text)")
            }
            return try await body(ContentServerProcess(baseURL: baseURL, token: token))
        }
    }
}
