import ArgumentParser
import Board
import AgentConfig
import Foundation
import GCode
import GCodeFiles
import Logging
import Slicing
import Synchronization

/// `3dp-agent slice MODEL -o OUT`: the hand-off the agent does for a model job, from the command line, so that a
/// person can try a slicer and a profile before a Manager sends the model.
struct SliceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "slice",
        abstract: "Slices a 3D model (STL, 3MF, OBJ) with an installed slicer, as the agent does for a model job.")

    @Argument(help: "The model file.")
    var model: String

    @Option(name: .shortAndLong, help: "Where the G-code goes.")
    var output: String

    @Option(help: "Take the build volume of this [[printer]] of the configuration file.")
    var printer: String?

    @Option(help: "The build volume X,Y,Z in mm (e.g. 250,210,210).")
    var volume: String?

    @Option(help: "The configuration file (for --printer and its [slicing]).")
    var config: String?

    @Option(help: "auto, prusaslicer, curaengine or slic3r.")
    var slicer: String?

    @Option(help: "A profile laid over the generic one (an .ini for PrusaSlicer and Slic3r, a def.json for CuraEngine).")
    var profile: String?

    @Option(help: "Seconds before the slice is stopped.")
    var timeLimit: Double = 3600

    func run() async throws {
        guard let format = ModelFormat(fileName: model) else {
            throw ValidationError("\(model) is not a model: the name must end in .stl, .3mf or .obj")
        }
        let configuration = try config.map { path in
            try AgentConfiguration.load(path: path, defaultStateDirectory: "/nonexistent", hostname: "")
        }
        var printableVolume: PrintableVolume?
        var printerProfile = profile
        if let volume {
            let sides = volume.split(separator: ",").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
            guard sides.count == 3, sides.allSatisfy({ $0 > 0 }) else { throw ValidationError("--volume takes X,Y,Z in mm, e.g. 250,210,210") }
            printableVolume = PrintableVolume(x: sides[0], y: sides[1], z: sides[2])
        } else if let printer {
            guard let configuration else { throw ValidationError("--printer needs --config FILE") }
            guard let entry = configuration.printers.entries.first(where: { $0.id == printer }) else {
                throw ValidationError("no [[printer]] with id '\(printer)' in \(config ?? "")")
            }
            guard let size = entry.buildVolume else {
                throw ValidationError("[[printer]] '\(printer)' sets no build_volume; give --volume X,Y,Z")
            }
            printableVolume = PrintableVolume(x: size.x, y: size.y, z: size.z)
            printerProfile = printerProfile ?? entry.slicerProfile
        }
        guard let printableVolume else { throw ValidationError("give --volume X,Y,Z or --printer ID --config FILE") }

        let configured = slicer ?? configuration?.slicing.slicer ?? "auto"
        guard let choice = SlicerChoice(configured: configured) else {
            throw ValidationError("--slicer must be auto, prusaslicer, curaengine or slic3r, not '\(configured)'")
        }
        let installed = try await SlicerDiscovery.find(choice, path: slicer == nil ? configuration?.slicing.path : nil)
        let profileText = try printerProfile.map { try String(contentsOfFile: $0, encoding: .utf8) }

        let outputURL = URL(fileURLWithPath: output)
        let workingDirectory = outputURL.deletingLastPathComponent().appendingPathComponent(".\(outputURL.lastPathComponent).slicing").path
        let part = output + ".part"
        let memory = (configuration?.slicing.memoryLimitMegabytes ?? 2048) << 20
        let job = SliceJob(modelPath: model, format: format, volume: printableVolume, workingDirectory: workingDirectory,
                           gcodePartPath: part, printerProfile: profileText,
                           limits: SlicerProcessLimits(time: .milliseconds(Int64(timeLimit * 1000)), memoryBytes: memory))
        let bar = SliceProgressBar(interactive: isatty(STDOUT_FILENO) == 1)
        FileHandle.standardOutput.write(Data("slicing \(model) with \(installed), build volume \(printableVolume)\n".utf8))
        let task = Task { try await SliceHandOff.run(job, with: installed, logger: Logger(label: "3dp-agent.slice")) { bar.show($0) } }
        let interrupt = SliceInterrupt { task.cancel() }
        defer { interrupt.stop() }
        let result: SliceResult
        do {
            result = try await task.value
        } catch {
            bar.finish()
            throw CleanExit.message("slice failed: \(error)")
        }
        bar.finish()
        guard rename(part, output) == 0 else { throw CleanExit.message("cannot rename \(part): \(String(cString: strerror(errno)))") }
        let metadata = try SlicerMetadata.read(path: output)
        print("sliced in \(result.wallTime.formatted(.units(allowed: [.seconds], fractionalPart: .show(length: 1)))): \(output)")
        print("model      \(result.model.format), \(result.model.triangleCount) triangles, \(result.model.bounds.size)")
        print("slicer     \(installed.kind) \(installed.version), peak memory \(result.peakResidentBytes >> 20) MB, \(result.progressReports) progress reports")
        if let seconds = metadata.estimatedSeconds { print("estimate   \(seconds / 3600) h \(seconds / 60 % 60) min \(seconds % 60) s") }
        if let millimetres = metadata.filamentUsedMillimetres { print("filament   \(Int(millimetres)) mm" + (metadata.filamentUsedGrams.map { ", \($0) g" } ?? "")) }
        if let layers = metadata.layerCount { print("layers     \(layers)") }
    }
}

/// Ctrl-C or SIGTERM ends the slicer (and leaves no part file) instead of the program alone.
final class SliceInterrupt {
    private let sources: [DispatchSourceSignal]

    init(_ handler: @escaping @Sendable () -> Void) {
        sources = [SIGINT, SIGTERM].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number)
            source.setEventHandler(handler: handler)
            source.resume()
            return source
        }
    }

    func stop() {
        sources.forEach { $0.cancel() }
    }
}

/// A bar redrawn in place on a terminal, a line per stage otherwise.
final class SliceProgressBar: Sendable {
    private let interactive: Bool
    /// The last stage printed as a line, and whether the cursor sits on a drawn bar.
    private let drawn = Mutex<(lastStage: String, onBar: Bool)>(("", false))

    init(interactive: Bool) {
        self.interactive = interactive
    }

    func show(_ progress: SlicingProgress) {
        drawn.withLock { drawn in
            if interactive {
                let width = 30
                let filled = Int(progress.fraction * Double(width))
                let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
                let line = "\r[\(bar)] \(String(format: "%5.1f", progress.fraction * 100)) %  \(progress.stage)"
                FileHandle.standardOutput.write(Data((line.padding(toLength: 100, withPad: " ", startingAt: 0)).utf8))
                drawn.onBar = true
            } else if progress.stage != drawn.lastStage {
                drawn.lastStage = progress.stage
                FileHandle.standardOutput.write(Data("\(String(format: "%5.1f", progress.fraction * 100)) %  \(progress.stage)\n".utf8))
            }
        }
    }

    func finish() {
        drawn.withLock { drawn in
            if drawn.onBar { FileHandle.standardOutput.write(Data("\n".utf8)) }
            drawn.onBar = false
        }
    }
}
