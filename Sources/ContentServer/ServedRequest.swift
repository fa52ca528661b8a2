import Foundation
import Synchronization

/// What the server answered to one request, for tests to check what a client really did.
public struct ServedRequest: Sendable, Equatable {
    public var method: String
    public var path: String
    /// The `Range` header as sent.
    public var range: String?
    public var hadAuthorization: Bool
    /// Whether the Bearer credential was accepted for this route (false when there was none).
    public var authorizationValid: Bool
    public var status: Int
    /// Body bytes handed to the connection (fewer than announced when a drop fault fired or the client left).
    public var bodyBytes: Int64

    public init(method: String, path: String, range: String?, hadAuthorization: Bool, authorizationValid: Bool,
                status: Int, bodyBytes: Int64) {
        self.method = method
        self.path = path
        self.range = range
        self.hadAuthorization = hadAuthorization
        self.authorizationValid = authorizationValid
        self.status = status
        self.bodyBytes = bodyBytes
    }
}

/// The record of served requests, appended to from response bodies (synchronously: a body must be recorded before
/// its last byte reaches the client, so a test that has read a response finds it here).
final class RequestLedger: Sendable {
    private let served = Mutex<[ServedRequest]>([])

    func append(_ request: ServedRequest) {
        served.withLock { $0.append(request) }
    }

    var all: [ServedRequest] { served.withLock { $0 } }
}

/// Set when the server is stopping: a download in flight ends at its next chunk instead of holding the stop up.
final class StopSignal: Sendable {
    private struct State {
        var stopped = false
        var onStop: [ObjectIdentifier: @Sendable () -> Void] = [:]
    }

    private let state = Mutex(State())

    var isSet: Bool { state.withLock { $0.stopped } }

    /// Registers an action (closing a connection) to run on stop; false when already stopped.
    func register(_ id: ObjectIdentifier, _ action: @escaping @Sendable () -> Void) -> Bool {
        state.withLock {
            guard !$0.stopped else { return false }
            $0.onStop[id] = action
            return true
        }
    }

    func unregister(_ id: ObjectIdentifier) {
        _ = state.withLock { $0.onStop.removeValue(forKey: id) }
    }

    func set() {
        let actions = state.withLock { state in
            state.stopped = true
            defer { state.onStop.removeAll() }
            return Array(state.onStop.values)
        }
        actions.forEach { $0() }
    }
}
