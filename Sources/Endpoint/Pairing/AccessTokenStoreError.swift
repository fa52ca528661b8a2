import Foundation

public enum AccessTokenStoreError: Error, Equatable, CustomStringConvertible {
    /// `tokens.json` exists but cannot be understood. Never treated as empty: that would silently unpair every
    /// client, or (worse) let a later write replace records the owner can no longer see.
    case corruptFile(path: String, reason: String)
    case unsupportedFormat(path: String, format: Int)
    case system(operation: String, path: String, errno: Int32)
    case randomnessUnavailable

    public var description: String {
        switch self {
        case .corruptFile(let path, let reason):
            "the access token file \(path) is corrupt (\(reason)); fix or remove it to unpair every client"
        case .unsupportedFormat(let path, let format):
            "the access token file \(path) has format \(format), which this agent does not know"
        case .system(let operation, let path, let code):
            "\(operation) \(path): \(String(cString: strerror(code)))"
        case .randomnessUnavailable:
            RandomnessUnavailable().description
        }
    }
}
