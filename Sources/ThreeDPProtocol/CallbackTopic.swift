/// The callbacks a Manager subscribes to (DWAPI-3DP 7.2.3, 7.3.3), by their `callbackId`.
public enum CallbackTopic: String, CaseIterable, Sendable, Codable {
    case printerStatus = "printer.status"
    case printerTemperature = "printer.temperature"
    case jobProgress = "job.progress"
    case jobState = "job.state"
    case queueChanged = "queue.changed"
    case printerError = "printer.error"
    case printerMessage = "printer.message"

    /// Continuous measurements: a newer one makes an undelivered older one of the same printer worthless, so a
    /// slow client gets the latest instead of a backlog. State changes, errors and messages are never merged.
    public var isMeasurement: Bool {
        switch self {
        case .printerStatus, .printerTemperature, .jobProgress: return true
        case .jobState, .queueChanged, .printerError, .printerMessage: return false
        }
    }
}
