/// The kinds of content a printer can be given: G-code prints as is, a 3D model goes to a slicer first.
public enum ContentMediaType: Sendable, Equatable {
    case gcode
    case model(ModelFormat)
    case unsupported(String)

    public enum ModelFormat: String, Sendable, Equatable, CaseIterable {
        case stl, threeMF = "3mf", obj
    }

    public static let gcodeType = "text/x.gcode"

    /// From the announced media type, falling back to the file name's extension when the server only says
    /// `application/octet-stream` (as plain file servers do).
    public init(mediaType: String, name: String) {
        let type = mediaType.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        switch type {
        case "text/x.gcode", "text/x-gcode", "application/x-gcode":
            self = .gcode
        case "model/stl", "application/sla", "application/vnd.ms-pki.stl", "model/x.stl-binary", "model/x.stl-ascii":
            self = .model(.stl)
        case "model/3mf", "application/vnd.ms-package.3dmanufacturing-3dmodel+xml":
            self = .model(.threeMF)
        case "model/obj", "text/x-wavefront-obj":
            self = .model(.obj)
        case "", "application/octet-stream", "text/plain":
            self = Self.byExtension(of: name) ?? .unsupported(type.isEmpty ? "no media type" : type)
        default:
            self = .unsupported(type)
        }
    }

    /// The media type a file of this name is served as.
    public static func of(fileName: String) -> String {
        switch byExtension(of: fileName) {
        case .gcode: return gcodeType
        case .model(let format): return "model/\(format.rawValue)"
        case .unsupported, nil: return "application/octet-stream"
        }
    }

    private static func byExtension(of name: String) -> ContentMediaType? {
        guard let dot = name.lastIndex(of: ".") else { return nil }
        switch name[name.index(after: dot)...].lowercased() {
        case "gcode", "gco", "g": return .gcode
        case "stl": return .model(.stl)
        case "3mf": return .model(.threeMF)
        case "obj": return .model(.obj)
        default: return nil
        }
    }
}
