/// Why a printer's service refused a request, in words for the Manager's user.
public enum PrinterServiceError: Error, Equatable, CustomStringConvertible {
    case notConnected(String)
    case halted(String)
    case jobNotFound(String)
    /// The request makes no sense in the printer's or the job's state (pause when nothing prints…).
    case invalidOperation(String)
    case commandFailed(String)
    case invalidGCode(String)
    /// print.start named a content server this agent does not trust, or the agent fetches no content at all.
    case contentServerNotTrusted(String)

    public var description: String {
        switch self {
        case .notConnected(let reason): return "the printer is not connected: \(reason)"
        case .halted(let reason): return "the printer has halted and needs a reset: \(reason)"
        case .jobNotFound(let id): return "no job \(id) on this printer"
        case .invalidOperation(let reason): return reason
        case .commandFailed(let reason): return reason
        case .invalidGCode(let reason): return reason
        case .contentServerNotTrusted(let reason): return reason
        }
    }
}
