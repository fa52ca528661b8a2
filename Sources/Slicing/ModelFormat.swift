/// The 3D-model files the agent hands to a slicer. G-code needs no slicer and is not one of them.
public enum ModelFormat: String, Sendable, Equatable, CaseIterable, CustomStringConvertible {
    case stl
    case threeMF = "3mf"
    case obj

    /// From a file name's extension; nil when it names no model format.
    public init?(fileName: String) {
        guard let dot = fileName.lastIndex(of: ".") else { return nil }
        self.init(rawValue: fileName[fileName.index(after: dot)...].lowercased())
    }

    public var description: String { rawValue.uppercased() }
}
