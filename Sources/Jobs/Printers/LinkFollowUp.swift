import Logging
import PrinterLink

/// Console lines that an event of the link calls for (the heaters off after a crash, M105 after a job's script),
/// sent one after the other beside the event loop; a failure is logged, never retried: nothing heats or moves here.
struct LinkFollowUp: Sendable, Equatable {
    let lines: [String]
    /// How the log says that a line failed ("failed after a crash").
    let failure: String
    let level: Logger.Level

    func send(on link: PrinterConnection, logger: Logger) async {
        for line in lines {
            do { _ = try await link.send(line) } catch { logger.log(level: level, "\(line) \(failure): \(error)") }
        }
    }

    /// Only heaters, never the completion script: that one may park the head, and nothing moves by the agent's own
    /// initiative.
    static let heatersOffAfterACrash = LinkFollowUp(lines: HostProtocolStateMachine.heatersOff,
                                                    failure: "failed after a crash", level: .error)
    /// M105 only reads.
    static let temperatureAfterJob = LinkFollowUp(lines: ["M105"], failure: "failed after the job", level: .debug)
}
