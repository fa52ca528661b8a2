/// A FIFO on a growable ring: O(1) append and pop at either end without shifting elements, which the
/// in-flight window and the pending-command queue need once per printed line.
struct RingQueue<Element> {
    private var storage: [Element?]
    private var head = 0
    private(set) var count = 0

    init(capacity: Int = 16) {
        storage = Array(repeating: nil, count: Swift.max(capacity, 1))
    }

    var isEmpty: Bool { count == 0 }

    var first: Element? { count == 0 ? nil : storage[head] }

    var last: Element? { count == 0 ? nil : storage[(head + count - 1) % storage.count] }

    subscript(offset: Int) -> Element {
        get {
            precondition(offset >= 0 && offset < count, "RingQueue index out of range")
            return storage[(head + offset) % storage.count]!
        }
        set {
            precondition(offset >= 0 && offset < count, "RingQueue index out of range")
            storage[(head + offset) % storage.count] = newValue
        }
    }

    mutating func append(_ element: Element) {
        if count == storage.count { grow() }
        storage[(head + count) % storage.count] = element
        count += 1
    }

    /// Puts an element in front of the others (the next `popFirst` returns it).
    mutating func prepend(_ element: Element) {
        if count == storage.count { grow() }
        head = (head - 1 + storage.count) % storage.count
        storage[head] = element
        count += 1
    }

    @discardableResult
    mutating func popFirst() -> Element? {
        guard count > 0 else { return nil }
        let element = storage[head]
        storage[head] = nil
        head = (head + 1) % storage.count
        count -= 1
        return element
    }

    mutating func removeAll() {
        for offset in 0..<count { storage[(head + offset) % storage.count] = nil }
        head = 0
        count = 0
    }

    private mutating func grow() {
        var grown = [Element?](repeating: nil, count: storage.count * 2)
        for offset in 0..<count { grown[offset] = storage[(head + offset) % storage.count] }
        storage = grown
        head = 0
    }
}
