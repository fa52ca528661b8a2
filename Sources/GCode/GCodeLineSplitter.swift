/// One command of a G-code file, ready to be numbered and sent.
public struct GCodeCommandLine: Sendable, Equatable {
    /// 1-based line of the file the command came from, for error messages and resuming.
    public var fileLine: Int
    /// The command without comment, surrounding blanks, `N<n>` prefix or `*<checksum>` suffix.
    public var command: [UInt8]
    /// Byte offset just after this line (its line ending included) in the file, for progress.
    public var endOffset: Int64

    public init(fileLine: Int, command: [UInt8], endOffset: Int64) {
        self.fileLine = fileLine
        self.command = command
        self.endOffset = endOffset
    }

    public var commandText: String { String(decoding: command, as: UTF8.self) }
}

/// Cuts a stream of G-code bytes into commands, whatever the chunk boundaries: feed chunks with `append`,
/// take commands with `next` until it returns nil, and at the end of the file call `finish` for a last line
/// without a line ending. It holds at most the unread part of one chunk plus one partial line.
///
/// Per line it drops `;` comments, `(parenthesised)` comments (see `GCodeComments`), leading and trailing
/// spaces and tabs, a file's own `N<n>` line number and `*<checksum>` (the host numbers lines itself), and
/// lines left empty. Lines end with LF, CRLF or a
/// lone CR. Bytes are never decoded: non-UTF-8 text passes through untouched.
public struct GCodeLineSplitter: Sendable {
    private var buffer: [UInt8] = []
    /// Start of the unread bytes in `buffer`.
    private var readIndex = 0
    /// File offset of `buffer[0]`.
    private var bufferOffset: Int64 = 0
    /// Lines ended so far (blank and comment lines included).
    private var linesEnded = 0

    public init() {}

    /// Bytes received but not yet returned as commands: a partial line, or lines not taken yet.
    public var pendingByteCount: Int { buffer.count - readIndex }

    /// Line number the next line to end will have.
    public var nextFileLine: Int { linesEnded + 1 }

    /// File offset of the first byte not yet consumed.
    public var consumedOffset: Int64 { bufferOffset + Int64(readIndex) }

    public mutating func append<C: Collection>(_ chunk: C) where C.Element == UInt8 {
        if readIndex > 0 {
            // Only the partial line is kept; moving it down is cheaper than growing the buffer forever.
            buffer.removeSubrange(0..<readIndex)
            bufferOffset += Int64(readIndex)
            readIndex = 0
        }
        buffer.append(contentsOf: chunk)
    }

    /// The next command, or nil when the buffered bytes hold no complete command line.
    public mutating func next() -> GCodeCommandLine? {
        var result: GCodeCommandLine?
        _ = nextCommand(atEndOfFile: false) { fileLine, command, endOffset in
            result = GCodeCommandLine(fileLine: fileLine, command: Array(command), endOffset: endOffset)
        }
        return result
    }

    /// After the last chunk: the remaining commands, including one on a last line without a line ending.
    /// Call it until it returns nil.
    public mutating func finish() -> GCodeCommandLine? {
        var result: GCodeCommandLine?
        _ = nextCommand(atEndOfFile: true) { fileLine, command, endOffset in
            result = GCodeCommandLine(fileLine: fileLine, command: Array(command), endOffset: endOffset)
        }
        return result
    }

    /// Finds the next command and hands its bytes to `body` without copying them; false when there is none.
    /// The file reader's validation pass uses this to measure commands without allocating.
    @discardableResult
    package mutating func nextCommand(
        atEndOfFile: Bool, _ body: (_ fileLine: Int, _ command: UnsafeBufferPointer<UInt8>, _ endOffset: Int64) -> Void
    ) -> Bool {
        let bufferOffset = self.bufferOffset
        var readIndex = self.readIndex
        var linesEnded = self.linesEnded
        defer {
            self.readIndex = readIndex
            self.linesEnded = linesEnded
        }
        return buffer.withUnsafeBufferPointer { bytes in
            let count = bytes.count
            while readIndex < count {
                let lineStart = readIndex
                var lineEnd = lineStart
                // The comment start, found on the way to the line ending.
                var contentEnd = -1
                var sawParenthesis = false
                while lineEnd < count {
                    let byte = bytes[lineEnd]
                    if byte == 0x0A || byte == 0x0D { break }
                    if byte == UInt8(ascii: ";"), contentEnd < 0 { contentEnd = lineEnd }
                    if byte == UInt8(ascii: "("), contentEnd < 0 { sawParenthesis = true }
                    lineEnd += 1
                }
                let next: Int
                if lineEnd == count {
                    guard atEndOfFile else { return false }
                    next = count
                } else if bytes[lineEnd] == 0x0D {
                    // A CR at the end of the buffer may be the first half of a CRLF split across chunks.
                    if lineEnd + 1 == count {
                        guard atEndOfFile else { return false }
                        next = count
                    } else {
                        next = bytes[lineEnd + 1] == 0x0A ? lineEnd + 2 : lineEnd + 1
                    }
                } else {
                    next = lineEnd + 1
                }
                readIndex = next
                linesEnded += 1
                if contentEnd < 0 { contentEnd = lineEnd }
                let command = Self.command(in: bytes, from: lineStart, to: contentEnd)
                guard command.lowerBound < command.upperBound else { continue }
                let text = UnsafeBufferPointer(rebasing: bytes[command])
                if sawParenthesis, GCodeComments.hasParenComment(text) {
                    // Rare: the hot path stays copy-free; a line with a comment inside is rebuilt without it.
                    let kept = GCodeComments.removingParenComments(text)
                    guard !kept.isEmpty else { continue }
                    kept.withUnsafeBufferPointer { body(linesEnded, $0, bufferOffset + Int64(next)) }
                    return true
                }
                body(linesEnded, text, bufferOffset + Int64(next))
                return true
            }
            return false
        }
    }

    /// The command part of `from ..< to` (comment already cut off): blanks, `N<n>` and `*<checksum>` removed.
    @inline(__always)
    private static func command(in bytes: UnsafeBufferPointer<UInt8>, from: Int, to: Int) -> Range<Int> {
        var start = from
        var end = to
        while start < end, bytes[start] == 0x20 || bytes[start] == 0x09 { start += 1 }
        while end > start, bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09 { end -= 1 }
        guard start < end else { return start..<start }

        if bytes[start] == UInt8(ascii: "N") || bytes[start] == UInt8(ascii: "n") {
            var digit = start + 1
            while digit < end, bytes[digit] >= 0x30, bytes[digit] <= 0x39 { digit += 1 }
            if digit > start + 1 {
                start = digit
                while start < end, bytes[start] == 0x20 || bytes[start] == 0x09 { start += 1 }
            }
        }
        // `*<digits>` at the end is the checksum the file was saved with; the host adds its own, and a
        // second `*` would make the firmware checksum the wrong bytes.
        var star = end
        while star > start, bytes[star - 1] >= 0x30, bytes[star - 1] <= 0x39 { star -= 1 }
        while star > start, bytes[star - 1] == 0x20 || bytes[star - 1] == 0x09 { star -= 1 }
        if star > start, bytes[star - 1] == UInt8(ascii: "*") {
            end = star - 1
            while end > start, bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09 { end -= 1 }
        }
        return start..<end
    }
}
