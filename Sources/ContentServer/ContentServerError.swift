/// Why a content server could not start.
public enum ContentServerError: Error, Equatable, CustomStringConvertible {
    case rootMissing(String)
    case cannotListen(address: String, reason: String)
    case tlsFiles(String)
    case unknownContent(String)

    public var description: String {
        switch self {
        case .rootMissing(let root): "the root '\(root)' is not a directory"
        case .cannotListen(let address, let reason): "cannot listen on \(address): \(reason)"
        case .tlsFiles(let reason): "cannot use the TLS certificate and key: \(reason)"
        case .unknownContent(let id): "no content '\(id)' under the root"
        }
    }
}
