import Logging
import Synchronization

/// A warning that a flood would otherwise repeat thousands of times a second: logged at once the first time, then
/// at most once per `interval`, saying how many occurrences it stood for.
final class RateLimitedWarning: Sendable {
    private struct State {
        var lastLogged: ContinuousClock.Instant?
        var suppressed = 0
    }

    let interval: Duration
    private let logger: Logger
    private let state = Mutex(State())

    init(logger: Logger, interval: Duration = .seconds(10)) {
        self.logger = logger
        self.interval = interval
    }

    func warn(_ message: @autoclosure () -> String, now: ContinuousClock.Instant = .now) {
        let suppressed = state.withLock { state -> Int? in
            if let last = state.lastLogged, now - last < interval {
                state.suppressed += 1
                return nil
            }
            defer {
                state.lastLogged = now
                state.suppressed = 0
            }
            return state.suppressed
        }
        guard let suppressed else { return }
        let more = suppressed > 0 ? " (and \(suppressed) more since the last warning)" : ""
        logger.warning("\(message())\(more)")
    }
}
