/// A fixed-capacity FIFO of bytes: the controller's serial receive buffer.
struct ByteRing: Sendable {
    private var storage: [UInt8]
    private var head = 0
    private(set) var count = 0

    init(capacity: Int) {
        storage = [UInt8](repeating: 0, count: capacity)
    }

    var capacity: Int { storage.count }
    var isFull: Bool { count == storage.count }
    var isEmpty: Bool { count == 0 }

    @inline(__always)
    mutating func push(_ byte: UInt8) {
        var tail = head + count
        if tail >= storage.count { tail -= storage.count }
        storage[tail] = byte
        count += 1
    }

    @inline(__always)
    mutating func pop() -> UInt8 {
        let byte = storage[head]
        head += 1
        if head == storage.count { head = 0 }
        count -= 1
        return byte
    }

    /// The last byte pushed, if any.
    var last: UInt8? {
        guard count > 0 else { return nil }
        var index = head + count - 1
        if index >= storage.count { index -= storage.count }
        return storage[index]
    }

    mutating func removeAll() {
        head = 0
        count = 0
    }
}
