import Endpoint
import Testing
@testable import ThreeDPProtocol

@Suite struct CallbackQueueTests {
    typealias Queue = CallbackQueue<Int>

    static func callback(_ topic: CallbackTopic, _ value: Int, printer: String = "p1") -> Queue.Callback {
        Queue.Callback(topic: topic, serviceId: printer, payload: value)
    }

    static func drain(_ queue: inout Queue) -> [(CallbackTopic, Int)] {
        var out: [(CallbackTopic, Int)] = []
        while let next = queue.dequeue() { out.append((next.topic, next.payload)) }
        return out
    }

    @Test func deliversInOrder() {
        var queue = Queue(capacity: 8)
        #expect(queue.enqueue(Self.callback(.jobState, 1)) == .queued)
        #expect(queue.enqueue(Self.callback(.printerStatus, 2)) == .queued)
        #expect(queue.enqueue(Self.callback(.printerMessage, 3)) == .queued)
        let out = Self.drain(&queue)
        #expect(out.map(\.1) == [1, 2, 3])
        #expect(queue.isEmpty)
    }

    @Test func aNewerMeasurementTakesThePlaceOfTheUndeliveredOne() {
        var queue = Queue(capacity: 8)
        _ = queue.enqueue(Self.callback(.printerStatus, 1))
        _ = queue.enqueue(Self.callback(.jobState, 2))
        #expect(queue.enqueue(Self.callback(.printerStatus, 3)) == .coalesced)
        // Another printer's status is its own measurement.
        #expect(queue.enqueue(Self.callback(.printerStatus, 4, printer: "p2")) == .queued)
        let out = Self.drain(&queue)
        #expect(out.map(\.1) == [3, 2, 4])
    }

    @Test func stateChangesAreNeverMerged() {
        var queue = Queue(capacity: 8)
        for value in 0..<5 { #expect(queue.enqueue(Self.callback(.jobState, value)) == .queued) }
        #expect(Self.drain(&queue).map(\.1) == [0, 1, 2, 3, 4])
    }

    @Test func afterDeliveryAMeasurementQueuesAgain() {
        var queue = Queue(capacity: 8)
        _ = queue.enqueue(Self.callback(.printerTemperature, 1))
        _ = queue.dequeue()
        #expect(queue.enqueue(Self.callback(.printerTemperature, 2)) == .queued)
    }

    @Test func aFullQueueDropsTheOldestMeasurementToKeepAStateChange() {
        var queue = Queue(capacity: 3)
        _ = queue.enqueue(Self.callback(.printerStatus, 1))
        _ = queue.enqueue(Self.callback(.jobState, 2))
        _ = queue.enqueue(Self.callback(.jobState, 3))
        #expect(queue.enqueue(Self.callback(.printerError, 4)) == .queued)
        #expect(Self.drain(&queue).map(\.1) == [2, 3, 4])
    }

    @Test func aClientThatCannotKeepUpWithStateChangesOverflows() {
        var queue = Queue(capacity: 3)
        for value in 0..<3 { _ = queue.enqueue(Self.callback(.queueChanged, value)) }
        guard case .overflow(let reason) = queue.enqueue(Self.callback(.jobState, 9)) else {
            Issue.record("expected an overflow")
            return
        }
        #expect(reason.contains("3 callbacks behind"))
        #expect(queue.count == 3)
    }

    @Test func aLongRunStaysBoundedAndOrdered() {
        var queue = Queue(capacity: 16)
        var delivered: [Int] = []
        for value in 0..<10_000 {
            _ = queue.enqueue(Self.callback(value % 10 == 0 ? .jobState : .jobProgress, value))
            if value % 3 == 0, let next = queue.dequeue() { delivered.append(next.payload) }
            #expect(queue.count <= 16)
        }
        while let next = queue.dequeue() { delivered.append(next.payload) }
        // Every state change arrives, in order; progress only ever moves forward, and its last value arrives.
        let states = delivered.filter { $0 % 10 == 0 }
        #expect(states == Array(stride(from: 0, to: 10_000, by: 10)))
        let progress = delivered.filter { $0 % 10 != 0 }
        #expect(zip(progress, progress.dropFirst()).allSatisfy { $0 < $1 })
        #expect(progress.last == 9_999)
    }
}
