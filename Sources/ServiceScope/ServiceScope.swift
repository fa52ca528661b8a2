/// "Start the services, wait until they are ready, run a body beside them, shut them down gracefully": the scope
/// that the demo, the benchmarks, the tests and the reference content server each need around a server. It is
/// Hummingbird's `Application.runService` with `onServerRunning`, for a whole service group: `ready` is what the
/// group hands out once it is usable (a bound port), and a graceful shutdown, not a cancellation, ends it, so that
/// a server closes its listener and lets its requests end instead of reporting an error.
public enum ServiceScope {
    /// The services ended (normally or not) before they were ready; when they threw, their error is thrown instead.
    public struct EndedBeforeReady: Error, CustomStringConvertible {
        public init() {}
        public var description: String { "the services stopped before they were ready" }
    }

    /// Runs `run` until `body` returns or throws, then calls `shutdown` and waits until `run` has returned.
    ///
    /// - Parameters:
    ///   - run: runs the services until they are shut down (a `ServiceGroup`'s `run`).
    ///   - ready: a stream and its continuation; `run`'s services yield into it once they are ready (a server's
    ///     `onServerRunning`). It is finished when `run` ends, so that a server that never binds cannot hang this.
    ///   - shutdown: asks the services to stop gracefully (a group's `triggerGracefulShutdown`).
    ///   - cutOff: how long the graceful shutdown may take before the services are cancelled; nil waits for them.
    /// - Returns: what `body` returned; when `body` threw, that error, after the services have stopped.
    public static func run<Ready: Sendable, Result: Sendable>(
        _ run: @escaping @Sendable () async throws -> Void,
        ready: (stream: AsyncStream<Ready>, continuation: AsyncStream<Ready>.Continuation),
        shutdown: @escaping @Sendable () async -> Void,
        cutOff: Duration? = nil,
        _ body: (Ready) async throws -> Result
    ) async throws -> Result {
        try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask {
                defer { ready.continuation.finish() }
                try await run()
                return true
            }
            var readiness = ready.stream.makeAsyncIterator()
            guard let value = await readiness.next() else {
                // Ended before it was ready: its own error says why, if it threw one.
                while try await group.next() != nil {}
                throw EndedBeforeReady()
            }
            let outcome: Swift.Result<Result, any Error>
            do {
                outcome = .success(try await body(value))
            } catch {
                outcome = .failure(error)
            }
            await shutdown()
            if let cutOff {
                group.addTask {
                    try? await Task.sleep(for: cutOff)
                    return false
                }
                // Whichever ends first: the services, or the cut-off, which cancels what still runs.
                _ = try? await group.next()
                group.cancelAll()
                while (try? await group.next()) != nil {}
            } else {
                while try await group.next() != nil {}
            }
            return try outcome.get()
        }
    }
}
