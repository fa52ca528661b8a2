import Synchronization

/// A value a test shares with the closures it hands out (method handlers, WebSocket handlers, log handlers, a
/// thread): a `Mutex` cannot be captured by an escaping closure, a class that holds one can.
public final class Shared<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>

    public init(_ value: Value) {
        mutex = Mutex(value)
    }

    public func withLock<Result: Sendable>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        try mutex.withLock { value in try body(&value) }
    }
}
