import ArgumentParser
import Foundation
import Logging
import Slicing
import Synchronization

/// `3dp-agent bench slice`: the same model sliced by the agent's hand-off (model check, profile, slicer under nice
/// and prlimit, progress parsed, G-code finished and fsynced) and by the slicer's bare command line, alternating.
/// Reports the wall-time ratio, the slicer's peak RSS, how much this process's own RSS grew while the slicer ran,
/// and how often progress arrived.
struct BenchSliceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "slice",
        abstract: "Slice a generated 100k-triangle sphere by the agent and by the bare slicer, alternating.")

    @Option(help: "auto, prusaslicer, curaengine or slic3r.")
    var slicer: String = "auto"

    @Option(help: "Pairs of runs (agent, bare).")
    var runs: Int = 3

    @Option(help: "Triangles of the sphere, about.")
    var triangles: Int = 100_000

    @Option(help: "The agent's niceness for the slicer (the daemon uses 10; 0 compares like with like on a busy machine).")
    var niceness: Int32 = 10

    func run() async throws {
        guard let choice = SlicerChoice(configured: slicer) else { throw ValidationError("unknown slicer '\(slicer)'") }
        let installed = try await SlicerDiscovery.find(choice)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("3dp-bench-slice-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let model = "\(directory)/sphere.stl"
        let segments = Int((Double(triangles) / 2).squareRoot().rounded())
        let mesh = TriangleMesh.sphere(radius: 40, rings: segments, segments: segments)
        try BinarySTLWriter.write(mesh, to: model)
        let volume = PrintableVolume(x: 200, y: 200, z: 200)
        let adapter = installed.kind.adapter
        let profilePath = "\(directory)/bare-\(adapter.profileFileName)"
        try adapter.profile(base: installed.kind.genericProfile, printerProfile: nil, volume: volume)
            .write(toFile: profilePath, atomically: true, encoding: .utf8)
        print("bench slice: \(installed), a sphere of \(mesh.triangles.count) triangles, \(runs) pairs, agent niceness \(niceness)")
        var logger = Logger(label: "3dp-agent.bench")
        logger.logLevel = .warning

        var agentTimes: [Double] = [], bareTimes: [Double] = [], ratios: [Double] = []
        var slicerPeaks: [Int] = [], rssGrowth: [Int] = [], wholeGrowth: [Int] = [], rates: [Double] = [], gaps: [Double] = []
        for run in 1...runs {
            // The bare command line: the same profile and arguments, spawned directly, no limits, output discarded.
            let bareOutput = "\(directory)/bare.gcode"
            let bareRequest = SliceRequest(modelPath: model, profilePath: profilePath, outputPath: bareOutput, workingDirectory: directory)
            let bare = try await SlicerProcess.run(executable: installed.executablePath, arguments: adapter.arguments(for: bareRequest),
                                                   workingDirectory: directory, limits: SlicerProcessLimits(memoryBytes: nil, niceness: 0),
                                                   logger: logger) { _, _ in }
            unlink(bareOutput)

            let arrivals = Arrivals()
            let sampler = RSSSampler()
            let before = RSSSampler.resident()
            sampler.start()
            let job = SliceJob(modelPath: model, format: .stl, volume: volume, workingDirectory: "\(directory)/agent",
                               gcodePartPath: "\(directory)/agent.gcode.part",
                               limits: SlicerProcessLimits(niceness: niceness))
            let started = ContinuousClock.now
            let result = try await SliceHandOff.run(job, with: installed, logger: logger) { progress in
                // The slicer runs from its first report on; the model was read and freed before.
                if progress.stage != "reading the model" { sampler.slicerStarted() }
                arrivals.mark()
            }
            let agentSeconds = (ContinuousClock.now - started).seconds
            let peak = sampler.stop()
            unlink(job.gcodePartPath)

            let bareSeconds = bare.wallTime.seconds
            agentTimes.append(agentSeconds)
            bareTimes.append(bareSeconds)
            ratios.append(agentSeconds / bareSeconds)
            slicerPeaks.append(max(result.peakResidentBytes, bare.peakResidentBytes))
            rssGrowth.append(max(0, peak.whileSlicing - before))
            wholeGrowth.append(max(0, peak.whole - before))
            rates.append(Double(arrivals.count) / agentSeconds)
            gaps.append(arrivals.longestGap)
            print(String(format: "run %d: bare %.2f s, agent %.2f s (its slicer process %.2f s), ratio %.3f; slicer peak RSS %d MB; agent RSS +%.1f MB while the slicer ran (+%.1f MB reading the model); %d progress reports (%.1f/s, longest gap %.2f s)",
                         run, bareSeconds, agentSeconds, result.wallTime.seconds, agentSeconds / bareSeconds, result.peakResidentBytes >> 20,
                         Double(max(0, peak.whileSlicing - before)) / 1_048_576, Double(max(0, peak.whole - before)) / 1_048_576, arrivals.count, Double(arrivals.count) / agentSeconds, arrivals.longestGap))
        }
        print(String(format: "median: bare %.2f s, agent %.2f s, ratio %.3f; slicer peak RSS %d MB; agent RSS +%.1f MB while the slicer ran (+%.1f MB reading the model); progress %.1f/s from the slicer (longest gap %.2f s; the job pipeline repeats the latest every 0.4 s)",
                     Self.median(bareTimes), Self.median(agentTimes), Self.median(ratios), Int(Self.median(slicerPeaks.map(Double.init))) >> 20,
                     Self.median(rssGrowth.map(Double.init)) / 1_048_576, Self.median(wholeGrowth.map(Double.init)) / 1_048_576, Self.median(rates), Self.median(gaps)))
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return 0 }
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }

}

/// When progress reports arrived.
private final class Arrivals: Sendable {
    private let times = Mutex<[ContinuousClock.Instant]>([ContinuousClock.now])

    func mark() { times.withLock { $0.append(.now) } }
    var count: Int { times.withLock { $0.count - 1 } }
    var longestGap: Double {
        times.withLock { times in zip(times, times.dropFirst()).map { ($1 - $0).seconds }.max() ?? 0 }
    }
}

/// This process's resident memory, sampled every 50 ms on a thread of its own (not one of the two cooperative
/// threads the agent's work runs on) while the slicer runs.
private final class RSSSampler: Sendable {
    private struct Peaks {
        var whole = 0
        var whileSlicing = 0
        var slicing = false
        var running = true
    }

    private let peaks = Mutex(Peaks())
    private let done = DispatchSemaphore(value: 0)

    func start() {
        Thread.detachNewThread { [self] in
            while peaks.withLock({ $0.running }) {
                let now = Self.resident()
                peaks.withLock {
                    $0.whole = max($0.whole, now)
                    if $0.slicing { $0.whileSlicing = max($0.whileSlicing, now) }
                }
                Thread.sleep(forTimeInterval: 0.05)
            }
            done.signal()
        }
    }

    func slicerStarted() {
        peaks.withLock { $0.slicing = true }
    }

    /// The peak over the whole hand-off, and over the time the slicer ran.
    func stop() -> (whole: Int, whileSlicing: Int) {
        peaks.withLock { $0.running = false }
        done.wait()
        return peaks.withLock {
            let result = ($0.whole, $0.whileSlicing)
            $0 = Peaks()
            return result
        }
    }

    static func resident() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            return (Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0) * 1024
        }
        return 0
    }
}

private extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
