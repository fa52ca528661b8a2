import Foundation

/// A value behind a lock, for state the link's thread shares with callers on other threads. `Mutex` would need
/// every value that crosses it to be `sending`, and the checker cannot follow a job source moved into the lock by
/// the closure that appends it to the requests (tried with Swift 6.3: "'inout sending' parameter cannot be
/// task-isolated"); the lock is what makes that hand-over safe, hence `@unchecked`.
public final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    public init(_ value: Value) { self.value = value }

    public func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
