import Foundation

/// A value behind a lock, for state the link's thread shares with callers on other threads. Unlike
/// `Mutex` it holds non-Sendable values (a job source on its way to the link's thread, the thread itself):
/// the lock is what makes handing them over safe.
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
