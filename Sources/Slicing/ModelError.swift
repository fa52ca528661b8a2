import GCode

/// Why a model cannot be sliced, in words for the person who sent it.
public enum ModelError: Error, Sendable, Equatable, CustomStringConvertible {
    case unreadable(String)
    /// The file holds no triangle at all (an empty or garbage file).
    case empty(ModelFormat)
    /// The file is not what its format says: a broken mesh, a truncated file, bad numbers.
    case malformed(ModelFormat, String)
    /// More triangles than the board is willing to read (a claim in a header, or the real count).
    case tooManyTriangles(ModelFormat, count: UInt64, limit: Int)
    /// A file or an unpacked 3MF part larger than the limit: a zip bomb, or a model far beyond a small board.
    case tooLarge(String)
    case doesNotFit(model: Millimetres3, volume: PrintableVolume)

    public var description: String {
        switch self {
        case .unreadable(let reason): return "the model cannot be read: \(reason)"
        case .empty(let format): return "the \(format) file holds no triangles: it is empty or not a \(format) model"
        case .malformed(let format, let reason): return "the \(format) model is broken: \(reason)"
        case .tooManyTriangles(let format, let count, let limit):
            return "the \(format) model has \(count) triangles; this board slices at most \(limit)"
        case .tooLarge(let reason): return "the model is too large to read: \(reason)"
        case .doesNotFit(let model, let volume):
            return "the model does not fit the printer: it measures \(model), the build volume is \(volume)"
        }
    }
}
