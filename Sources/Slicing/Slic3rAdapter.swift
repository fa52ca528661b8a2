/// Slic3r 1.3 (`slic3r --no-gui`): STL, OBJ, AMF and 3MF; stage names after `=> ` without percentages, and no
/// time estimate in its G-code.
public struct Slic3rAdapter: SlicerAdapter {
    public init() {}

    public var kind: SlicerKind { .slic3r }
    public var inputFormats: Set<ModelFormat> { [.stl, .obj, .threeMF] }
    public var profileFileName: String { "slic3r-generic.ini" }

    public func arguments(for request: SliceRequest) -> [String] {
        ["--no-gui", "--datadir", "\(request.workingDirectory)/slic3r", "--load", request.profilePath,
         "--output", request.outputPath, request.modelPath]
    }

    public func makeProgressParser() -> any SlicerProgressParser { PrusaSlicerProgressParser() }

    public func profile(base: String, printerProfile: String?, volume: PrintableVolume) throws(SlicingFailure) -> String {
        var profile = try IniProfile(text: base)
        profile["bed_shape"] = IniProfile.bedShape(volume)
        if let printerProfile { profile.overlay(try IniProfile(text: printerProfile)) }
        return profile.text
    }

    public func failure(of outcome: SlicerProcessOutcome, memoryLimit: Int?) -> SlicingFailure? {
        if case .exited(let code) = outcome.ending, code != 0,
           outcome.standardOutputTail.contains(where: { $0.contains("Error while reading") || $0.contains("wrong size") }) {
            return .crashed(kind, "could not read the model: the mesh is broken",
                            lastLines: outcome.standardOutputTail + outcome.standardErrorTail)
        }
        return commonFailure(of: outcome, memoryLimit: memoryLimit)
    }
}
