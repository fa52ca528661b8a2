/// One slice to run: everything is in the job's own directory of the spool, so that nothing of it is left
/// elsewhere.
public struct SliceRequest: Sendable, Equatable {
    /// A model in a format the slicer takes (the agent converted it to STL first when it does not).
    public var modelPath: String
    public var profilePath: String
    /// Where the slicer writes its G-code; the agent checks it and moves it to the spool afterwards.
    public var outputPath: String
    public var workingDirectory: String

    public init(modelPath: String, profilePath: String, outputPath: String, workingDirectory: String) {
        self.modelPath = modelPath
        self.profilePath = profilePath
        self.outputPath = outputPath
        self.workingDirectory = workingDirectory
    }
}

/// Why a slice produced no G-code, in words for the person who sent the model.
public enum SlicingFailure: Error, Sendable, Equatable, CustomStringConvertible {
    case slicerMissing(String)
    case unsupportedFormat(ModelFormat, SlicerKind)
    case model(ModelError)
    case emptyResult(SlicerKind)
    case crashed(SlicerKind, String, lastLines: [String])
    case timeLimit(Duration)
    case memoryLimit(Int)
    case profile(String)
    case output(String)

    public var description: String {
        switch self {
        case .slicerMissing(let reason): return "no slicer available: \(reason)"
        case .unsupportedFormat(let format, let slicer): return "\(slicer) cannot slice \(format) files"
        case .model(let error): return error.description
        case .emptyResult(let slicer): return "\(slicer) found nothing to print in the model: the mesh is broken or empty"
        case .crashed(let slicer, let how, let lines):
            let last = lines.suffix(3).joined(separator: " | ")
            return "\(slicer) \(how)" + (last.isEmpty ? "" : "; its last words: \(last)")
        case .timeLimit(let limit): return "the slice took longer than the time limit (\(limit)) and was stopped"
        case .memoryLimit(let bytes): return "the slicer ran out of its memory limit (\(bytes >> 20) MB) and was stopped"
        case .profile(let reason): return "the slicing profile cannot be used: \(reason)"
        case .output(let reason): return "the slicer's G-code cannot be used: \(reason)"
        }
    }
}

/// What differs between slicers: how to call one, what it reads, how it reports progress, and what its exit
/// status means. Pure: the process itself is `SlicerProcess`'s.
public protocol SlicerAdapter: Sendable {
    var kind: SlicerKind { get }
    var inputFormats: Set<ModelFormat> { get }
    /// The file name of its generic profile in `Sources/Slicing/Profiles/`, and of the filled profile in a job's directory.
    var profileFileName: String { get }
    /// The command line after the executable. `wrapper` comes first when the slicer's progress needs one
    /// (`stdbuf -oL` for a slicer that buffers its standard output on a pipe).
    func arguments(for request: SliceRequest) -> [String]
    /// A program to run the slicer through, with its arguments, or nil.
    var lineBufferingWrapper: [String]? { get }
    func makeProgressParser() -> any SlicerProgressParser
    /// The profile for a build volume: the generic one (or the printer's own file laid over it) with the bed's
    /// size filled in.
    func profile(base: String, printerProfile: String?, volume: PrintableVolume) throws(SlicingFailure) -> String
    /// Why a run that did not exit 0 failed (or why one that did gave nothing).
    func failure(of outcome: SlicerProcessOutcome, memoryLimit: Int?) -> SlicingFailure?
}

extension SlicerAdapter {
    public var lineBufferingWrapper: [String]? { nil }

    /// The meanings every slicer shares: our own limits and signals.
    func commonFailure(of outcome: SlicerProcessOutcome, memoryLimit: Int?, timeLimit: Duration? = nil) -> SlicingFailure? {
        let lines = outcome.standardErrorTail + outcome.standardOutputTail
        if let memoryLimit, lines.contains(where: \.localizedStandardContainsOutOfMemory) {
            return .memoryLimit(memoryLimit)
        }
        switch outcome.ending {
        case .exited(0): return nil
        case .exited(let code): return .crashed(kind, "failed (exit status \(code))", lastLines: outcome.standardErrorTail)
        case .signalled(let signal): return .crashed(kind, "crashed (signal \(signal))", lastLines: outcome.standardErrorTail)
        }
    }
}

extension String {
    var localizedStandardContainsOutOfMemory: Bool {
        contains("bad_alloc") || lowercased().contains("out of memory") || contains("std::length_error") || contains("Cannot allocate memory")
            || contains("failed to map segment") || contains("thread_resource_error")
            // Slic3r's threads under RLIMIT_AS: a mutex whose thread could not be set up (seen in CI at 48 MB).
            || contains("boost::lock_error") || contains("mutex lock failed")
    }
}
