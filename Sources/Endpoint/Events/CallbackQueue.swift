import ThreeDPProtocol
/// One client's callbacks waiting to be written. Bounded: a client that does not read never makes the agent
/// hold more than `capacity` callbacks for it, and never slows the printer or the other clients.
/// Measurements of the same topic and printer coalesce — the latest value takes the place of the undelivered
/// older one — while state changes are all kept; when those alone overflow the queue, the client cannot keep
/// up and is to be disconnected with the reason this queue gives.
public struct CallbackQueue<Payload> {
    public struct Callback {
        public var topic: CallbackTopic
        public var serviceId: String
        public var payload: Payload

        public init(topic: CallbackTopic, serviceId: String, payload: Payload) {
            self.topic = topic
            self.serviceId = serviceId
            self.payload = payload
        }
    }

    public enum Admission: Equatable {
        case queued
        /// An undelivered measurement of the same topic and printer now carries the newer value.
        case coalesced
        /// The queue is full of callbacks that cannot be merged: disconnect the client with this reason.
        case overflow(String)
    }

    private struct CoalescingKey: Hashable {
        var topic: CallbackTopic
        var serviceId: String
    }

    public let capacity: Int
    private var order: [UInt64] = []
    private var head = 0
    private var entries: [UInt64: Callback] = [:]
    private var pendingMeasurement: [CoalescingKey: UInt64] = [:]
    private var nextSequence: UInt64 = 0

    public init(capacity: Int = 256) {
        precondition(capacity > 0, "a callback queue holds at least one callback")
        self.capacity = capacity
    }

    public var count: Int { entries.count }
    public var isEmpty: Bool { entries.isEmpty }

    public mutating func enqueue(_ callback: Callback) -> Admission {
        let key = CoalescingKey(topic: callback.topic, serviceId: callback.serviceId)
        if callback.topic.isMeasurement, let sequence = pendingMeasurement[key] {
            entries[sequence] = callback
            return .coalesced
        }
        if entries.count >= capacity, !dropOldestMeasurement() {
            return .overflow("the client fell \(capacity) callbacks behind; it is disconnected so that it cannot slow the agent")
        }
        let sequence = nextSequence
        nextSequence += 1
        entries[sequence] = callback
        order.append(sequence)
        if callback.topic.isMeasurement { pendingMeasurement[key] = sequence }
        return .queued
    }

    public mutating func dequeue() -> Callback? {
        while head < order.count {
            let sequence = order[head]
            head += 1
            compactIfWorthIt()
            guard let callback = entries.removeValue(forKey: sequence) else { continue }
            let key = CoalescingKey(topic: callback.topic, serviceId: callback.serviceId)
            if pendingMeasurement[key] == sequence { pendingMeasurement[key] = nil }
            return callback
        }
        return nil
    }

    /// Room for a state change is made by dropping the oldest measurement: a later one will follow it.
    private mutating func dropOldestMeasurement() -> Bool {
        for index in head..<order.count {
            let sequence = order[index]
            guard let callback = entries[sequence], callback.topic.isMeasurement else { continue }
            entries[sequence] = nil
            let key = CoalescingKey(topic: callback.topic, serviceId: callback.serviceId)
            if pendingMeasurement[key] == sequence { pendingMeasurement[key] = nil }
            return true
        }
        return false
    }

    private mutating func compactIfWorthIt() {
        if head > 64, head * 2 > order.count {
            order.removeFirst(head)
            head = 0
        }
    }
}

extension CallbackQueue.Callback: Sendable where Payload: Sendable {}
extension CallbackQueue: Sendable where Payload: Sendable {}
