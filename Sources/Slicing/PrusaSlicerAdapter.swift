import GCode

/// PrusaSlicer 2.x's command line (`prusa-slicer`, headless): STL, 3MF, OBJ and AMF; progress as `NN => stage` on
/// standard output, block-buffered on a pipe unless run through `stdbuf -oL`; exit 134 (an uncaught exception,
/// SIGABRT) when the objects do not fit the bed. It does not check the height. It fills the keys that a profile
/// leaves out from a 3MF's embedded configuration, so the profile it gets is always complete.
public struct PrusaSlicerAdapter: SlicerAdapter {
    public init() {}

    public var kind: SlicerKind { .prusaSlicer }
    public var inputFormats: Set<ModelFormat> { [.stl, .threeMF, .obj] }
    public var profileFileName: String { "prusaslicer-generic.ini" }
    public var lineBufferingWrapper: [String]? { ["stdbuf", "-oL"] }

    public func arguments(for request: SliceRequest) -> [String] {
        // Its own data directory inside the job's: it writes nothing into the agent's home.
        ["--loglevel", "1", "--datadir", "\(request.workingDirectory)/prusaslicer", "--load", request.profilePath,
         "--export-gcode", "--output", request.outputPath, request.modelPath]
    }

    public func makeProgressParser() -> any SlicerProgressParser { PrusaSlicerProgressParser() }

    public func profile(base: String, printerProfile: String?, volume: PrintableVolume) throws(SlicingFailure) -> String {
        var profile = try IniProfile(text: base)
        profile["bed_shape"] = IniProfile.bedShape(volume)
        profile["max_print_height"] = Millimetres3.text(volume.size.z)
        if let printerProfile { profile.overlay(try IniProfile(text: printerProfile)) }
        return profile.text
    }

    public func failure(of outcome: SlicerProcessOutcome, memoryLimit: Int?) -> SlicingFailure? {
        let lines = outcome.standardErrorTail
        if outcome.ending == .exited(134) || outcome.ending == .signalled(6),
           lines.contains(where: { $0.contains("could not fit on the bed") }) {
            return .crashed(kind, "could not place the model on the bed: it does not fit", lastLines: [])
        }
        if case .exited(1) = outcome.ending, lines.contains(where: { $0.contains("Loading of a model file failed") }) {
            return .crashed(kind, "could not read the model: the mesh is broken", lastLines: lines)
        }
        return commonFailure(of: outcome, memoryLimit: memoryLimit)
    }
}
