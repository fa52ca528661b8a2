import Agent
import ArgumentParser
import ChildProcesses
import CommandSupport
import Foundation
import GCode
import Glibc
import PrinterLink
import Synchronization

/// `3dp-agent bench serial`: streams dense G-code (short G1 segments, the curvy kind that starves a ping-pong
/// host) to the virtual printer in a separate process, and reports lines/s, host CPU per line, and on
/// baud-limited links the share of the link's byte capacity the G-code used.
struct BenchSerialCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serial",
        abstract: "Throughput and CPU of the serial driver against the virtual printer."
    )

    @Option(help: "Lines for each unthrottled run.")
    var lines = 200_000

    @Option(help: "Seconds of printing for each baud-limited run.")
    var linkSeconds = 10.0

    @Option(help: "Also stream a file of this many MB (e.g. 500) and report the peak resident memory; 0 skips it.")
    var memoryFileMB = 0

    @Option(help: "Runs of each case; the median is reported.")
    var repeats = 3

    @Option(help: "Also run the unthrottled cases with this percentage of lines corrupted in both directions, and report the rate against the error-free one (0 skips it).")
    var errors = 0.0

    @Option(help: "Where to write the generated G-code (a temporary directory by default).")
    var directory: String?

    struct Case {
        var name: String
        var simulator: [String]
        var settings: LinkSettings
        var baud: Int?
        var lines: Int
        /// For a run with corrupted lines: the error-free case it is compared with.
        var errorFreeName: String?
    }

    /// The unthrottled cases again, with `errors` % of the lines corrupted each way (a bit flipped or a byte
    /// lost), seeded per run so that the runs differ and a run can be replayed.
    func errorCases(_ cases: [Case]) -> [Case] {
        guard errors > 0 else { return [] }
        return cases.filter { $0.baud == nil }.map { base in
            var with = base
            with.name = base.name + ", \(errors)% of lines corrupted both ways"
            with.simulator += ["--error-rate", String(errors / 100)]
            with.errorFreeName = base.name
            return with
        }
    }

    struct Measurement {
        var linesPerSecond: Double
        var cpuMicrosecondsPerLine: Double
        var linkShare: Double?
        var resends: Int
    }

    func run() async throws {
        CommandLogging.setUp(level: .warning)
        let folder = directory ?? FileManager.default.temporaryDirectory.appendingPathComponent("3dp-agent-bench-\(getpid())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { if directory == nil { try? FileManager.default.removeItem(atPath: folder) } }

        var marlin = LinkSettings()
        marlin.ackTimeout = .seconds(3)
        var pingPong = LinkSettings.pingPong
        pingPong.ackTimeout = .seconds(3)
        var nativeUSB = LinkSettings()
        nativeUSB.maxLinesInFlight = 16
        nativeUSB.receiveBufferBytes = 1024

        let cases = [
            Case(name: "unthrottled pty, Marlin defaults (BUFSIZE 4, RX 128), windowed", simulator: [],
                 settings: marlin, baud: nil, lines: lines),
            Case(name: "unthrottled pty, Marlin defaults, ping-pong (one line in flight)", simulator: [],
                 settings: pingPong, baud: nil, lines: lines),
            Case(name: "unthrottled pty, native-USB style (BUFSIZE 16, ADVANCED_OK, 1 KiB window)",
                 simulator: ["--buffer", "16", "--rx-buffer", "1024", "--advanced-ok"],
                 settings: nativeUSB, baud: nil, lines: lines),
            Case(name: "115200 baud, Marlin defaults, windowed", simulator: ["--baud", "115200"],
                 settings: marlin, baud: 115_200, lines: Int(linkSeconds * 11_520 / 36)),
            Case(name: "115200 baud, Marlin defaults, ping-pong", simulator: ["--baud", "115200"],
                 settings: pingPong, baud: 115_200, lines: Int(linkSeconds * 11_520 / 36)),
            Case(name: "250000 baud, Marlin defaults, windowed", simulator: ["--baud", "250000"],
                 settings: marlin, baud: 250_000, lines: Int(linkSeconds * 25_000 / 36)),
        ]

        Console.line("bench serial: dense G1 segments, virtual printer in its own process, median of \(repeats)")
        var errorFree: [String: Double] = [:]
        for benchCase in cases + errorCases(cases) {
            let file = try DenseGCode.write(lines: benchCase.lines, to: "\(folder)/dense-\(benchCase.lines).gcode")
            var results: [Measurement] = []
            for run in 0..<repeats { results.append(try await measure(benchCase, file: file, seed: UInt64(run + 1))) }
            let median = results.sorted { $0.linesPerSecond < $1.linesPerSecond }[results.count / 2]
            var line = "  \(benchCase.name): \(Int(median.linesPerSecond)) lines/s, "
                + "\(String(format: "%.1f", median.cpuMicrosecondsPerLine)) µs host CPU/line"
            if let share = median.linkShare { line += ", \(String(format: "%.1f", share * 100))% of link capacity" }
            if median.resends > 0 { line += ", \(median.resends) resends" }
            if let base = benchCase.errorFreeName.flatMap({ errorFree[$0] }) {
                line += String(format: ", %.2f× the error-free rate", median.linesPerSecond / base)
            } else {
                errorFree[benchCase.name] = median.linesPerSecond
            }
            Console.line(line)
        }
        if memoryFileMB > 0 {
            try await measureMemory(folder: folder)
        }
    }

    private func measure(_ benchCase: Case, file: String, seed: UInt64) async throws -> Measurement {
        let clock = JobClock()
        let result = try await SimulatorProcess.with(arguments: benchCase.simulator + ["--time-scale", "50", "--seed", String(seed)]) { simulator in
            let session = try PrintSession(file: file, port: simulator.devicePath, baudRate: benchCase.baud ?? 115_200,
                                           settings: benchCase.settings)
            return try await session.run { event in clock.note(event) }
        }
        guard result.outcome == .completed, let start = clock.start, let end = clock.end else {
            throw ValidationError("the benchmark print did not complete: \(result.outcome)")
        }
        let seconds = Double(end.wall - start.wall) / 1e9
        let cpu = Double(end.cpu - start.cpu) / 1e3
        let confirmed = Double(result.progress?.confirmedCommands ?? 0)
        var share: Double?
        if let baud = benchCase.baud {
            // Only the job's own lines count as useful, as they went on the wire (number and checksum included);
            // polls and lines sent again do not.
            share = Double(result.counters.jobBytesSent) / (seconds * Double(baud) / 10)
        }
        return Measurement(linesPerSecond: confirmed / seconds, cpuMicrosecondsPerLine: cpu / confirmed,
                           linkShare: share, resends: result.counters.resendRequests)
    }

    /// The print runs as `3dp-agent print` in a process of its own, so that its peak memory is the print's
    /// alone (not the benchmark's, which wrote the file).
    private func measureMemory(folder: String) async throws {
        // The dense lines average 29 bytes: enough of them to reach the size asked for.
        let count = memoryFileMB * 1_000_000 / 29 + 1
        let file = try DenseGCode.write(lines: count, to: "\(folder)/dense-\(memoryFileMB)MB.gcode")
        let size = (try FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0
        let text = try await SimulatorProcess.with(arguments: ["--buffer", "16", "--rx-buffer", "1024", "--advanced-ok", "--time-scale", "50"]) { simulator in
            await ChildProcess.run(SimulatorProcess.executable, ["print", "--port", simulator.devicePath, "--window", "16",
                                                                 "--rx-buffer", "1025", file]).standardOutput
        }
        let summary = text.split(separator: "\n").last.map(String.init) ?? "no output"
        Console.line("  streaming a \(size / 1_000_000) MB file with 3dp-agent print: \(summary)")
    }
}

/// Wall and CPU time at the job's first and last event, so that connecting is not counted.
final class JobClock: Sendable {
    struct Stamp { var wall: UInt64; var cpu: UInt64 }
    private let stamps = Mutex<(start: Stamp?, end: Stamp?)>((nil, nil))

    var start: Stamp? { stamps.withLock { $0.start } }
    var end: Stamp? { stamps.withLock { $0.end } }

    func note(_ event: LinkEvent) {
        let stamp: Stamp
        switch event {
        case .jobStarted, .jobFinished:
            stamp = Stamp(wall: MonotonicClock.now(), cpu: MonotonicClock.processCPUTime())
        default:
            return
        }
        stamps.withLock {
            if case .jobStarted = event { $0.start = stamp } else { $0.end = stamp }
        }
    }
}

/// Dense, curvy G-code like a slicer's output for a small round part: many short G1 segments.
enum DenseGCode {
    static func write(lines: Int, to path: String) throws -> String {
        if FileManager.default.fileExists(atPath: path) { return path }
        // Written under a temporary name and renamed, so that an interrupted run never leaves half a file to reuse.
        let partial = path + ".part"
        guard FileManager.default.createFile(atPath: partial, contents: nil),
              let handle = FileHandle(forWritingAtPath: partial) else { throw ValidationError("cannot write \(partial)") }
        defer { try? handle.close() }
        var chunk = "; generated by 3dp-agent bench\nG90\nM83\n"
        for index in 0..<lines {
            let angle = Double(index) * 0.01
            chunk += String(format: "G1 X%.3f Y%.3f E%.5f\n", 100 + 50 * cos(angle), 100 + 50 * sin(angle), 0.01 + Double(index % 7) * 0.001)
            if chunk.utf8.count > 1 << 20 {
                handle.write(Data(chunk.utf8))
                chunk.removeAll(keepingCapacity: true)
            }
        }
        handle.write(Data(chunk.utf8))
        try FileManager.default.moveItem(atPath: partial, toPath: path)
        return path
    }
}
