import ServiceScope
import Testing

/// A stand-in for a service group: `run` yields its "port" once started and returns when shut down.
private final class FakeServices: Sendable {
    let stop = AsyncStream.makeStream(of: Void.self)
    let events = AsyncStream.makeStream(of: String.self)

    func run(ready: AsyncStream<Int>.Continuation, port: Int = 8631) async throws {
        events.continuation.yield("started")
        ready.yield(port)
        for await _ in stop.stream { break }
        events.continuation.yield("stopped")
    }

    func shutdown() {
        events.continuation.yield("shutdown")
        stop.continuation.yield()
    }

    func log() async -> [String] {
        events.continuation.finish()
        var all: [String] = []
        for await event in events.stream { all.append(event) }
        return all
    }
}

private struct BodyFailed: Error {}
private struct RunFailed: Error {}

@Suite(.timeLimit(.minutes(1))) struct ServiceScopeTests {
    @Test func theBodyRunsWithTheReadyValueAndTheServicesStopAfterIt() async throws {
        let services = FakeServices()
        let ready = AsyncStream.makeStream(of: Int.self)
        let result = try await ServiceScope.run({ try await services.run(ready: ready.continuation) }, ready: ready,
                                                shutdown: { services.shutdown() }) { port in
            "port \(port)"
        }
        #expect(result == "port 8631")
        #expect(await services.log() == ["started", "shutdown", "stopped"])
    }

    @Test func aThrowingBodyStillStopsTheServicesAndItsErrorComesOut() async throws {
        let services = FakeServices()
        let ready = AsyncStream.makeStream(of: Int.self)
        await #expect(throws: BodyFailed.self) {
            try await ServiceScope.run({ try await services.run(ready: ready.continuation) }, ready: ready,
                                       shutdown: { services.shutdown() }) { _ -> Int in throw BodyFailed() }
        }
        #expect(await services.log() == ["started", "shutdown", "stopped"])
    }

    @Test func servicesThatFailBeforeTheyAreReadyThrowTheirOwnError() async throws {
        let ready = AsyncStream.makeStream(of: Int.self)
        await #expect(throws: RunFailed.self) {
            try await ServiceScope.run({ throw RunFailed() }, ready: ready, shutdown: {}) { _ in
                Issue.record("the body ran although the services never were ready")
            }
        }
    }

    @Test func servicesThatEndQuietlyBeforeTheyAreReadySaySo() async throws {
        let ready = AsyncStream.makeStream(of: Int.self)
        await #expect(throws: ServiceScope.EndedBeforeReady.self) {
            try await ServiceScope.run({}, ready: ready, shutdown: {}) { _ in
                Issue.record("the body ran although the services never were ready")
            }
        }
    }

    /// A service that ignores the graceful shutdown is cancelled once the cut-off passes.
    @Test func theCutOffCancelsServicesThatDoNotStop() async throws {
        let ready = AsyncStream.makeStream(of: Int.self)
        let cancelled = AsyncStream.makeStream(of: Bool.self)
        let value = try await ServiceScope.run({
            ready.continuation.yield(1)
            do {
                try await Task.sleep(for: .seconds(3600))
                cancelled.continuation.yield(false)
            } catch {
                cancelled.continuation.yield(Task.isCancelled)
            }
        }, ready: ready, shutdown: {}, cutOff: .milliseconds(50)) { port in port }
        #expect(value == 1)
        var iterator = cancelled.stream.makeAsyncIterator()
        #expect(await iterator.next() == true)
    }
}
