/// Marlin's command ring: BUFSIZE slots, each holding one accepted line as received (`N…*checksum` included), reused
/// without reallocation.
struct CommandQueue: Sendable {
    private var slots: [[UInt8]]
    private var head = 0
    private(set) var count = 0

    init(capacity: Int) {
        slots = (0..<capacity).map { _ in
            var slot: [UInt8] = []
            slot.reserveCapacity(LineAssembler.maximumCommandSize)
            return slot
        }
    }

    var capacity: Int { slots.count }
    var isFull: Bool { count == slots.count }
    var isEmpty: Bool { count == 0 }

    mutating func enqueue(_ line: [UInt8]) {
        var tail = head + count
        if tail >= slots.count { tail -= slots.count }
        slots[tail].removeAll(keepingCapacity: true)
        slots[tail].append(contentsOf: line)
        count += 1
    }

    /// The oldest line; only valid while `!isEmpty`.
    var first: [UInt8] { slots[head] }

    mutating func removeFirst() {
        head += 1
        if head == slots.count { head = 0 }
        count -= 1
    }

    mutating func removeAll() {
        head = 0
        count = 0
    }
}

/// Marlin's planner as far as the host can tell: BLOCK_BUFFER_SIZE 16 blocks, of which 15 can hold moves
/// (`moves_free` is what ADVANCED_OK reports after `P`). Blocks run one after another in real time.
struct MotionPlanner: Sendable {
    static let capacity = 15

    /// When each planned block finishes, oldest first.
    private var blockEnds: [Double] = []

    var movesFree: Int { Self.capacity - blockEnds.count }
    var isEmpty: Bool { blockEnds.isEmpty }
    var nextCompletion: Double? { blockEnds.first }

    mutating func retire(upTo time: Double) {
        var finished = 0
        while finished < blockEnds.count, blockEnds[finished] <= time { finished += 1 }
        if finished > 0 { blockEnds.removeFirst(finished) }
    }

    /// Plans a move of `duration` seconds after the ones already planned; false when no block is free.
    mutating func plan(duration: Double, at time: Double) -> Bool {
        guard movesFree > 0 else { return false }
        let start = max(time, blockEnds.last ?? time)
        blockEnds.append(start + duration)
        return true
    }

    /// M410: drops every planned move.
    mutating func clear() {
        blockEnds.removeAll()
    }
}

/// Where the firmware believes the tool is, and how it reads coordinates.
struct ToolPosition: Sendable, Equatable {
    var x = 0.0, y = 0.0, z = 0.0, e = 0.0
    /// G91 (all axes relative) and M83 (extruder relative).
    var relative = false
    var relativeExtrusion = false
    /// mm/s; Marlin starts at 1500 mm/min.
    var feedrate = 25.0
}
