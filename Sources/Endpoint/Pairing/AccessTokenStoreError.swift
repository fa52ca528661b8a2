import Foundation
import Jobs

public enum AccessTokenStoreError: Error, Equatable, CustomStringConvertible {
    /// An older agent's `tokens.json` exists but cannot be understood. Never taken as empty: that would silently
    /// unpair every client.
    case corruptFile(path: String, reason: String)
    case unsupportedFormat(path: String, format: Int)
    case system(operation: String, path: String, errno: Int32)
    /// The agent's database (which holds the paired clients) could not be opened, read or written.
    case database(JobStoreError)
    case randomnessUnavailable

    public var description: String {
        switch self {
        case .corruptFile(let path, let reason):
            "the access token file \(path) of an older agent is corrupt (\(reason)); it is imported into the agent's database at start: fix it, or remove it to unpair every client"
        case .unsupportedFormat(let path, let format):
            "the access token file \(path) has format \(format), which this agent does not know"
        case .system(let operation, let path, let code):
            "\(operation) \(path): \(String(cString: strerror(code)))"
        case .database(let error):
            "the paired clients: \(error)"
        case .randomnessUnavailable:
            RandomnessUnavailable().description
        }
    }
}
