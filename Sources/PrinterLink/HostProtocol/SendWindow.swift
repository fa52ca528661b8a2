import DequeModule
/// The lines on their way to the firmware whose `ok` has not come, and whether one more may go: no more than
/// `limit` lines (Marlin's BUFSIZE 4, or what ADVANCED_OK reports) and no more bytes than the firmware's serial
/// receive buffer holds while its main loop is blocked on a move. Nothing may follow an M110 before its `ok`.
struct SendWindow {
    private(set) var lines = Deque<Transmission>(minimumCapacity: 64)
    private(set) var bytes = 0
    /// Lines a stalled cancel gave up (see `Transmission.abandoned`): they no longer count.
    private(set) var abandoned = 0
    private(set) var longCommands = 0
    private(set) var barriers = 0
    private(set) var limit: Int
    /// Misbehaviour dropped the window to one line for the rest of the connection.
    private(set) var fellBack = false
    private(set) var bufferSize = BufferSizeEstimate()
    private let settings: LinkSettings

    init(settings: LinkSettings) {
        self.settings = settings
        self.limit = max(1, settings.maxLinesInFlight)
    }

    var count: Int { lines.count }
    var isEmpty: Bool { lines.isEmpty }
    var first: Transmission? { lines.first }
    subscript(offset: Int) -> Transmission { lines[offset] }

    func allows(_ length: Int) -> Bool {
        let counted = lines.count - abandoned
        return counted == 0 || (barriers == 0 && counted < limit && bytes + length <= settings.receiveBufferBytes)
    }

    /// Room for the next line, before knowing its length (the job reader's question).
    var hasRoom: Bool { lines.count < limit && bytes < settings.receiveBufferBytes }

    mutating func track(_ transmission: Transmission) {
        lines.append(transmission)
        bytes += transmission.byteCount
        if transmission.isLong { longCommands += 1 }
        if transmission.isBarrier { barriers += 1 }
    }

    mutating func popFirst() -> Transmission? {
        guard let front = lines.popFirst() else { return nil }
        release(front)
        return front
    }

    /// Lines in flight numbered after `line`: each can bring one more rejection of it.
    func count(after line: Int) -> Int {
        var behind = 0
        for offset in 0..<lines.count where (lines[offset].number ?? -1) > line { behind += 1 }
        return behind
    }

    /// Lines numbered `line` and after were rejected or emptied out of the firmware's buffer.
    mutating func drop(from line: Int) {
        var kept = Deque<Transmission>(minimumCapacity: max(lines.count, 8))
        var dropping = false
        while let transmission = lines.popFirst() {
            if let number = transmission.number, number >= line { dropping = true }
            if dropping { release(transmission) } else { kept.append(transmission) }
        }
        lines = kept
    }

    /// A stalled cancel gives up what is in flight: it leaves the window and keeps its place for the `ok` it may
    /// still earn (a line waiting behind a heat-up executes once M108 ends the wait).
    mutating func abandonAll() {
        for offset in 0..<lines.count where !lines[offset].abandoned {
            var line = lines[offset]
            bytes -= line.byteCount
            if line.isBarrier { barriers -= 1 }
            line.byteCount = 0
            line.isBarrier = false
            line.abandoned = true
            lines[offset] = line
            abandoned += 1
        }
    }

    mutating func removeAll() {
        lines.removeAll()
        bytes = 0
        abandoned = 0
        longCommands = 0
        barriers = 0
    }

    /// A new connection: a new firmware may have another buffer size.
    mutating func reset() {
        removeAll()
        limit = max(1, settings.maxLinesInFlight)
        fellBack = false
        bufferSize = BufferSizeEstimate()
    }

    /// ADVANCED_OK's `B` of one `ok`: the window grows to BUFSIZE once that is known.
    mutating func learn(bufferFree: Int) {
        guard bufferSize.note(bufferFree: bufferFree), !fellBack else { return }
        limit = min(settings.maxLinesInFlightCeiling, max(settings.maxLinesInFlight, bufferSize.size))
    }

    /// One line in flight from now on; false when it already was.
    mutating func fallBack() -> Bool {
        guard !fellBack, limit > 1 else { return false }
        fellBack = true
        limit = 1
        return true
    }

    private mutating func release(_ transmission: Transmission) {
        if transmission.abandoned { abandoned -= 1 }
        bytes -= transmission.byteCount
        if transmission.isLong { longCommands -= 1 }
        if transmission.isBarrier { barriers -= 1 }
    }

    /// The line numbers in flight, for the wire trace.
    var description: String {
        var parts: [String] = []
        for offset in 0..<lines.count { parts.append(lines[offset].number.map(String.init) ?? "-") }
        return "[\(parts.joined(separator: " "))] bufsize \(bufferSize.size)"
    }
}
