import Synchronization

/// Why a client's mailbox closed, which decides how its transport ends it.
public struct MailboxClosing: Sendable, Equatable {
    public enum Cause: Sendable, Equatable {
        /// It overflowed: the client could not keep up (WebSocket close 1008, `clientTooSlow`).
        case clientTooSlow
        /// The agent is shutting down (WebSocket close 1001).
        case agentStopping
        /// The client's access token was revoked (WebSocket close 1008; a pending long poll answers 0xF0000002).
        case accessRevoked
        /// A WebSocket that did not authenticate in time (close 1008).
        case unauthenticated
        /// The connection closed, the subscription was ended or expired.
        case ended
    }

    public var cause: Cause
    public var reason: String

    public init(_ cause: Cause, _ reason: String) {
        self.cause = cause
        self.reason = reason
    }
}

/// Where one client's callbacks wait to be written: a WebSocket connection (all its subscriptions share it, so
/// callbacks arrive in the order they happened) or one long-polling subscription. Bounded by its
/// `CallbackQueue`; when that overflows the mailbox closes and the transport ends the client.
public final class CallbackMailbox: Sendable, Equatable {
    public typealias Callback = CallbackQueue<[UInt8]>.Callback

    public enum Delivery: Sendable, Equatable {
        case callbacks
        case closed(MailboxClosing)
    }

    private struct State {
        var queue: CallbackQueue<[UInt8]>
        var closing: MailboxClosing?
        var waiter: CheckedContinuation<Void, Never>?
        var waiterID: UInt64 = 0
        var closeWaiters: [CheckedContinuation<MailboxClosing, Never>] = []
    }

    private let state: Mutex<State>

    public init(capacity: Int) {
        state = Mutex(State(queue: CallbackQueue(capacity: capacity)))
    }

    public static func == (lhs: CallbackMailbox, rhs: CallbackMailbox) -> Bool { lhs === rhs }

    /// Adds a callback; false when the mailbox is closed (the client is gone or was too slow).
    @discardableResult
    public func post(_ callback: Callback) -> Bool {
        let (waiter, overflow, wasClosed) = state.withLock { state -> (CheckedContinuation<Void, Never>?, String?, Bool) in
            guard state.closing == nil else { return (nil, nil, true) }
            if case .overflow(let reason) = state.queue.enqueue(callback) { return (nil, reason, false) }
            defer { state.waiter = nil }
            return (state.waiter, nil, false)
        }
        if wasClosed { return false }
        if let overflow {
            close(MailboxClosing(.clientTooSlow, overflow))
            return false
        }
        waiter?.resume()
        return true
    }

    /// Closes the mailbox; the first closing counts, later ones change nothing.
    public func close(_ closing: MailboxClosing) {
        let (waiter, closeWaiters, final) = state.withLock { state in
            if state.closing == nil { state.closing = closing }
            defer {
                state.waiter = nil
                state.closeWaiters = []
            }
            return (state.waiter, state.closeWaiters, state.closing ?? closing)
        }
        waiter?.resume()
        for closeWaiter in closeWaiters { closeWaiter.resume(returning: final) }
    }

    /// Returns once the mailbox closes: what ends a client whose writes are stuck on a full socket.
    public func waitUntilClosed() async -> MailboxClosing {
        await withCheckedContinuation { continuation in
            let closing = state.withLock { state -> MailboxClosing? in
                if let closing = state.closing { return closing }
                state.closeWaiters.append(continuation)
                return nil
            }
            if let closing { continuation.resume(returning: closing) }
        }
    }

    public var closing: MailboxClosing? { state.withLock { $0.closing } }

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
                    if state.closing != nil || !state.queue.isEmpty || Task.isCancelled { return true }
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
            if let closing = state.closing { return .closed(closing) }
            return .callbacks
        }
    }
}
