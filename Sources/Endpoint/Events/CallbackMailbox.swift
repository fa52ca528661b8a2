import PrinterLink

/// Where one client's callbacks wait to be written: a WebSocket connection (all its subscriptions share it, so
/// callbacks arrive in the order they happened) or one long-polling subscription. Bounded by its
/// `CallbackQueue`; when that overflows the mailbox closes with the reason and the transport ends the client.
public final class CallbackMailbox: Sendable, Equatable {
    public typealias Callback = CallbackQueue<[UInt8]>.Callback

    public enum Delivery: Sendable, Equatable {
        case callbacks
        /// The client could not keep up (or the agent is stopping): end it with this reason.
        case closed(String)
    }

    private struct State {
        var queue: CallbackQueue<[UInt8]>
        var closedReason: String?
        var waiter: CheckedContinuation<Void, Never>?
        var waiterID: UInt64 = 0
        var closeWaiters: [CheckedContinuation<String, Never>] = []
    }

    private let state: Locked<State>

    public init(capacity: Int) {
        state = Locked(State(queue: CallbackQueue(capacity: capacity)))
    }

    public static func == (lhs: CallbackMailbox, rhs: CallbackMailbox) -> Bool { lhs === rhs }

    /// Adds a callback; false when the mailbox is closed (the client is gone or was too slow).
    @discardableResult
    public func post(_ callback: Callback) -> Bool {
        let (waiter, overflow, wasClosed) = state.withLock { state -> (CheckedContinuation<Void, Never>?, String?, Bool) in
            guard state.closedReason == nil else { return (nil, nil, true) }
            if case .overflow(let reason) = state.queue.enqueue(callback) { return (nil, reason, false) }
            defer { state.waiter = nil }
            return (state.waiter, nil, false)
        }
        if wasClosed { return false }
        if let overflow {
            close(reason: overflow)
            return false
        }
        waiter?.resume()
        return true
    }

    public func close(reason: String) {
        let (waiter, closeWaiters, finalReason) = state.withLock { state in
            if state.closedReason == nil { state.closedReason = reason }
            defer {
                state.waiter = nil
                state.closeWaiters = []
            }
            return (state.waiter, state.closeWaiters, state.closedReason ?? reason)
        }
        waiter?.resume()
        for closeWaiter in closeWaiters { closeWaiter.resume(returning: finalReason) }
    }

    /// Returns the reason once the mailbox closes: what ends a client whose writes are stuck on a full socket.
    public func waitUntilClosed() async -> String {
        await withCheckedContinuation { continuation in
            let reason = state.withLock { state -> String? in
                if let reason = state.closedReason { return reason }
                state.closeWaiters.append(continuation)
                return nil
            }
            if let reason { continuation.resume(returning: reason) }
        }
    }

    public var closedReason: String? { state.withLock { $0.closedReason } }

    /// Everything waiting, oldest first.
    public func drain(limit: Int = .max) -> [Callback] {
        state.withLock { state in
            var taken: [Callback] = []
            while taken.count < limit, let next = state.queue.dequeue() { taken.append(next) }
            return taken
        }
    }

    /// Waits until a callback is waiting or the mailbox closes; returns at once when one already is.
    /// Cancelling the waiting task returns too.
    public func waitForCallbacks() async -> Delivery {
        let ticket = state.withLock { state -> UInt64 in
            state.waiterID += 1
            return state.waiterID
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state -> Bool in
                    if state.closedReason != nil || !state.queue.isEmpty || Task.isCancelled { return true }
                    state.waiter = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
                guard state.waiterID == ticket else { return nil }
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume()
        }
        return state.withLock { state in
            if let reason = state.closedReason { return .closed(reason) }
            return .callbacks
        }
    }
}
