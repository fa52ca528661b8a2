/// Where a job is in its life (DESIGN.md §1): fetched, sliced when it is a model, printed, finished.
public enum PrintJobState: String, Sendable, Codable, CaseIterable {
    case queued
    case downloading
    case slicing
    /// G-code is in the spool and checked; the job waits for its printer to be idle.
    case ready
    case printing
    case paused
    case completed
    case failed
    case cancelled
    /// The printer went away or reset under the job. Never resumed by the agent itself: a person decides.
    case interrupted

    public var isFinished: Bool {
        switch self {
        case .completed, .failed, .cancelled, .interrupted: return true
        case .queued, .downloading, .slicing, .ready, .printing, .paused: return false
        }
    }

    /// The job holds its printer: the printer runs its lines, or is paused in the middle of them.
    public var isOnPrinter: Bool { self == .printing || self == .paused }
}
