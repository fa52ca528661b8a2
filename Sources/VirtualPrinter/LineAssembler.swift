/// Marlin's serial line state (`process_stream_char` and `process_line_done` in queue.cpp): bytes become a line at
/// `\n` or `\r`; `;` starts a comment that runs to the end of the line; a backslash keeps the next byte literally;
/// backspace erases; a line longer than MAX_CMD_SIZE keeps its first 95 bytes; empty lines are skipped.
struct LineAssembler: Sendable {
    static let maximumCommandSize = 96

    /// The line being built; complete when `feed` returns true, until `clear()`.
    private(set) var line: [UInt8] = []
    private var skippingToEndOfLine = false
    private var escaped = false

    init() {
        line.reserveCapacity(Self.maximumCommandSize)
    }

    /// Feeds one byte; true when it ended a non-empty line, which `line` then holds.
    @inline(__always)
    mutating func feed(_ byte: UInt8) -> Bool {
        if byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") {
            skippingToEndOfLine = false
            escaped = false
            return !line.isEmpty
        }
        if skippingToEndOfLine { return false }
        if escaped {
            escaped = false
        } else if byte == UInt8(ascii: "\\") {
            escaped = true
            return false
        } else if byte == UInt8(ascii: ";") {
            skippingToEndOfLine = true
            return false
        }
        if byte == 0x08 {
            if !line.isEmpty { line.removeLast() }
        } else {
            line.append(byte)
            if line.count >= Self.maximumCommandSize - 1 { skippingToEndOfLine = true }
        }
        return false
    }

    mutating func clear() {
        line.removeAll(keepingCapacity: true)
    }

    /// Forgets a partial line, as a controller reset does.
    mutating func reset() {
        clear()
        skippingToEndOfLine = false
        escaped = false
    }
}
