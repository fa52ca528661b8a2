/// The slicers the agent knows how to drive, as the configuration names them.
public enum SlicerKind: String, Sendable, Equatable, CaseIterable, CustomStringConvertible {
    case prusaSlicer = "prusaslicer"
    case curaEngine = "curaengine"
    case slic3r

    /// The order `auto` tries them in: PrusaSlicer slices best and takes every format; CuraEngine is small.
    public static let preference: [SlicerKind] = [.prusaSlicer, .curaEngine, .slic3r]

    /// The program names Debian installs.
    public var programNames: [String] {
        switch self {
        case .prusaSlicer: return ["prusa-slicer", "PrusaSlicer"]
        case .curaEngine: return ["CuraEngine"]
        case .slic3r: return ["slic3r"]
        }
    }

    public var description: String {
        switch self {
        case .prusaSlicer: return "PrusaSlicer"
        case .curaEngine: return "CuraEngine"
        case .slic3r: return "Slic3r"
        }
    }

    public var adapter: any SlicerAdapter {
        switch self {
        case .prusaSlicer: return PrusaSlicerAdapter()
        case .curaEngine: return CuraEngineAdapter()
        case .slic3r: return Slic3rAdapter()
        }
    }
}
