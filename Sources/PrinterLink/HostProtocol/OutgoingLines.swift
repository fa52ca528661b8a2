import DequeModule
import GCode

/// What waits to be written, in the order it must go: lines to send again from the history (a resend), then the
/// job line read from the file, then queued lines (console, scripts, polls, setup). The host owns the line
/// numbers: a line is numbered when it is written, never before.
struct OutgoingLines {
    enum Next {
        /// A line from the history, byte for byte as it went before.
        case again(number: Int, SentLine)
        case jobLine(command: [UInt8], ref: JobLineRef)
        case queued(PendingLine)
    }

    private(set) var queued = Deque<PendingLine>(minimumCapacity: 16)
    /// A job line read from the file that waits for room in the window.
    private(set) var heldJobLine: (command: [UInt8], ref: JobLineRef)?
    private(set) var history: ResendHistory
    private(set) var nextNumber = 0
    /// While rewinding for a resend: the next line number to send again from the history.
    private(set) var resendCursor: Int?

    init(historyCapacity: Int) {
        history = ResendHistory(capacity: historyCapacity)
    }

    var isEmpty: Bool { queued.isEmpty && heldJobLine == nil && resendCursor == nil }
    var isRewinding: Bool { resendCursor != nil }

    /// The line that goes next, with the bytes it will take on the wire (a queued line's number is not known yet:
    /// room for a short poll or M110 is asked at least).
    mutating func peek() -> (next: Next, length: Int)? {
        if let cursor = resendCursor {
            if cursor <= history.highest, let line = history[cursor] {
                return (.again(number: cursor, line), line.bytes.count)
            }
            resendCursor = nil
        }
        if let held = heldJobLine {
            return (.jobLine(command: held.command, ref: held.ref),
                    held.command.count + HostLine.overhead(forLineNumber: nextNumber))
        }
        if let next = queued.first {
            return (.queued(next), max(next.command.count, 12) + HostLine.overhead(forLineNumber: nextNumber))
        }
        return nil
    }

    /// The line `peek` returned is being written.
    mutating func take(_ next: Next) {
        switch next {
        case .again(let number, _): resendCursor = number + 1
        case .jobLine: heldJobLine = nil
        case .queued: queued.removeFirst()
        }
    }

    /// Numbers a command and keeps it for resends. The host owns the numbering: an M110 of a job or of the
    /// console says the number the host is at, so the firmware's counter never leaves the host's (OctoPrint
    /// absorbs it the same way).
    mutating func number(_ command: [UInt8], purpose: LinePurpose) -> (number: Int, line: SentLine) {
        let number = nextNumber
        nextNumber += 1
        let isBarrier = purpose == .renumber || CommandTraits.setsLineNumber(command)
        let command = isBarrier ? Array("M110 N\(number)".utf8) : command
        let line = SentLine(bytes: HostLine.format(number: number, command: command), purpose: purpose,
                            isLong: CommandTraits.isLong(command), isBarrier: isBarrier)
        history.store(line, number: number)
        return (number, line)
    }

    /// Says hello from line 0 again: the firmware's number is set to 0 by the hello itself.
    mutating func restartNumbering() -> SentLine {
        history.reset()
        nextNumber = 0
        return number(Array("M110 N0".utf8), purpose: .hello).line
    }

    /// Whether the firmware can want `line` while its counter is the host's: one the host holds, or the next.
    func canResend(_ line: Int) -> Bool {
        line <= history.highest + 1 && line >= history.oldest && (history[line] != nil || line == history.highest + 1)
    }

    /// From `line` on, the history goes out again; nothing to do when the firmware wants the next line.
    mutating func rewind(to line: Int) {
        guard line <= history.highest else { return }
        resendCursor = line
    }

    mutating func stopRewinding() { resendCursor = nil }

    mutating func hold(_ command: [UInt8], ref: JobLineRef) { heldJobLine = (command, ref) }

    mutating func takeHeldJobLine() -> PendingLine? {
        guard let held = heldJobLine else { return nil }
        heldJobLine = nil
        return PendingLine(command: held.command, purpose: .job(held.ref))
    }

    mutating func enqueue(_ line: PendingLine) { queued.append(line) }
    mutating func enqueueFirst(_ line: PendingLine) { queued.prepend(line) }

    func contains(_ purpose: LinePurpose) -> Bool { queued.contains { $0.purpose == purpose } }

    /// Console request ids waiting in the queue.
    var consoleIDs: [UInt64] {
        var ids: [UInt64] = []
        for offset in 0..<queued.count { if case .console(let id) = queued[offset].purpose { ids.append(id) } }
        return ids
    }

    /// A job that stops: its lines still queued are dropped, everything else stays.
    mutating func dropJobLines() {
        heldJobLine = nil
        var kept = Deque<PendingLine>(minimumCapacity: queued.count + 8)
        while let line = queued.popFirst() {
            if case .job = line.purpose { continue }
            kept.append(line)
        }
        queued = kept
    }

    mutating func dropQueued() { queued.removeAll() }

    mutating func removeAll() {
        queued.removeAll()
        heldJobLine = nil
        resendCursor = nil
    }
}
