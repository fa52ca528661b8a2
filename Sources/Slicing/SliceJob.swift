import Foundation
import GCode
import Logging
import Synchronization

/// Everything one slice needs: the model, the printer it is for, and where the G-code goes.
public struct SliceJob: Sendable {
    public var modelPath: String
    public var format: ModelFormat
    public var volume: PrintableVolume
    /// A directory of the slice's own, removed when the slice ends whatever happened (the converted STL, the
    /// filled profile, the slicer's output and its data directory live there).
    public var workingDirectory: String
    /// Where the G-code goes, header fixed and fsynced; the caller checks it and renames it.
    public var gcodePartPath: String
    /// The text of the printer's own profile, laid over the generic one.
    public var printerProfile: String?
    public var limits: SlicerProcessLimits
    public var modelLimits: ModelLimits

    public init(modelPath: String, format: ModelFormat, volume: PrintableVolume, workingDirectory: String,
                gcodePartPath: String, printerProfile: String? = nil, limits: SlicerProcessLimits = SlicerProcessLimits(),
                modelLimits: ModelLimits = .board) {
        self.modelPath = modelPath
        self.format = format
        self.volume = volume
        self.workingDirectory = workingDirectory
        self.gcodePartPath = gcodePartPath
        self.printerProfile = printerProfile
        self.limits = limits
        self.modelLimits = modelLimits
    }
}

/// What a finished slice tells.
public struct SliceResult: Sendable {
    public var slicer: InstalledSlicer
    public var model: ModelSummary
    public var peakResidentBytes: Int
    public var wallTime: Duration
    /// How many progress reports the slicer's output gave.
    public var progressReports: Int
}

/// The hand-off itself: check the model, prepare what the slicer reads, run it, and leave either G-code at
/// `gcodePartPath` or nothing at all.
public enum SliceHandOff {
    public static func run(_ job: SliceJob, with slicer: InstalledSlicer, logger: Logger,
                           progress: @escaping @Sendable (SlicingProgress) -> Void) async throws(SlicingFailure) -> SliceResult {
        let adapter = slicer.kind.adapter
        guard adapter.inputFormats.contains(job.format) || adapter.inputFormats.contains(.stl) else {
            throw .unsupportedFormat(job.format, slicer.kind)
        }
        // A directory left by an agent killed while slicing: its slicer may still run; it goes first, with it.
        let pidFile = "\(job.workingDirectory)/slicer.pid"
        SlicerProcess.endOrphan(pidFile: pidFile, workingDirectory: job.workingDirectory, logger: logger)
        try? FileManager.default.removeItem(atPath: job.workingDirectory)
        do {
            try FileManager.default.createDirectory(atPath: job.workingDirectory, withIntermediateDirectories: true)
        } catch {
            throw .output("cannot make the slicing directory \(job.workingDirectory): \(error.localizedDescription)")
        }
        defer { try? FileManager.default.removeItem(atPath: job.workingDirectory) }
        do {
            return try await slice(job, adapter: adapter, slicer: slicer, logger: logger, progress: progress)
        } catch {
            unlink(job.gcodePartPath)
            throw error
        }
    }

    private static func slice(_ job: SliceJob, adapter: any SlicerAdapter, slicer: InstalledSlicer, logger: Logger,
                              progress: @escaping @Sendable (SlicingProgress) -> Void) async throws(SlicingFailure) -> SliceResult {
        progress(SlicingProgress(fraction: 0, stage: "reading the model"))
        let model: ModelSummary
        var modelPath = job.modelPath
        do {
            let (summary, mesh) = try ModelFile.read(path: job.modelPath, format: job.format, limits: job.modelLimits)
            try ModelFile.checkFits(summary, in: job.volume)
            model = summary
            if !adapter.inputFormats.contains(job.format), let mesh {
                modelPath = "\(job.workingDirectory)/model.stl"
                try BinarySTLWriter.write(mesh, to: modelPath)
            }
        } catch {
            throw .model(error)
        }
        let profilePath = "\(job.workingDirectory)/\(adapter.profileFileName)"
        let profile = try adapter.profile(base: slicer.kind.genericProfile, printerProfile: job.printerProfile, volume: job.volume)
        do {
            try profile.write(toFile: profilePath, atomically: false, encoding: .utf8)
        } catch {
            throw .output("cannot write the profile: \(error.localizedDescription)")
        }
        let outputPath = "\(job.workingDirectory)/output.gcode"
        let request = SliceRequest(modelPath: modelPath, profilePath: profilePath, outputPath: outputPath,
                                   workingDirectory: job.workingDirectory)
        let collector = OutputCollector(parser: adapter.makeProgressParser(), progress: progress)
        var executable = slicer.executablePath
        var arguments = adapter.arguments(for: request)
        if let wrapper = adapter.lineBufferingWrapper, let found = SlicerDiscovery.locateProgram(wrapper[0]) {
            arguments = Array(wrapper.dropFirst()) + [executable] + arguments
            executable = found
        }
        logger.info("slicing with \(slicer)", metadata: ["model": "\(job.modelPath)", "triangles": "\(model.triangleCount)",
                                                           "size": "\(model.bounds.size)"])
        let outcome: SlicerProcessOutcome
        do {
            // Glibc's malloc reserves 64 MB of address space per thread arena; a memory limit counts them.
            outcome = try await SlicerProcess.run(executable: executable, arguments: arguments,
                                                  environment: ["MALLOC_ARENA_MAX": "2", "LC_ALL": "C"],
                                                  workingDirectory: job.workingDirectory, limits: job.limits,
                                                  pidFile: "\(job.workingDirectory)/slicer.pid", logger: logger,
                                                  onLine: collector.consume)
        } catch {
            throw .slicerMissing("\(error)")
        }
        if outcome.cancelled { throw .output("the slice was stopped") }
        if outcome.timedOut { throw .timeLimit(job.limits.time) }
        if let failure = adapter.failure(of: outcome, memoryLimit: job.limits.memoryBytes) { throw failure }
        try GCodeOutput.finish(outputPath, into: job.gcodePartPath, curaHeader: collector.curaHeader, slicer: slicer.kind)
        progress(SlicingProgress(fraction: 1, stage: "done"))
        return SliceResult(slicer: slicer, model: model, peakResidentBytes: outcome.peakResidentBytes,
                           wallTime: outcome.wallTime, progressReports: collector.reports)
    }
}

extension SlicerDiscovery {
    static func locateProgram(_ name: String) -> String? {
        for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let candidate = "\(directory)/\(name)"
            if isExecutable(candidate) { return candidate }
        }
        return nil
    }
}

/// Gathers what the slicer says, on the draining thread; the slice reads the header and the count after.
private final class OutputCollector: Sendable {
    private struct Heard {
        var parser: any SlicerProgressParser
        var header = CuraHeader.Collector()
        var count = 0
    }

    private let heard: Mutex<Heard>
    private let progress: @Sendable (SlicingProgress) -> Void

    init(parser: any SlicerProgressParser, progress: @escaping @Sendable (SlicingProgress) -> Void) {
        heard = Mutex(Heard(parser: parser))
        self.progress = progress
    }

    var consume: SlicerProcess.LineHandler {
        { [self] line, onStandardError in
            let reached: SlicingProgress? = heard.withLock { heard in
                if onStandardError { heard.header.consume(line) }
                let reached = heard.parser.progress(fromLine: line, onStandardError: onStandardError)
                if reached != nil { heard.count += 1 }
                return reached
            }
            if let reached { progress(reached) }
        }
    }

    var curaHeader: CuraHeader? { heard.withLock { $0.header.header } }
    var reports: Int { heard.withLock { $0.count } }
}
