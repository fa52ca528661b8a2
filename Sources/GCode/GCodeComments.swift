/// Parenthesised comments, `G1 X10 (move to the edge) Y5`: RS274 comments that RepRapFirmware and Marlin with
/// PAREN_COMMENTS drop. A Marlin without that option reads what is inside as parameters (`(X5)` would move X),
/// so the host drops them before sending, as those firmwares' own parsers do: from `(` to the next `)`, or to
/// the end of the line when none follows. The text of a message (M117, M118) is kept as written.
public enum GCodeComments {
    /// True when `command` has a `(` outside a message's text, so that `removingParenComments` would change it.
    @inlinable
    public static func hasParenComment<C: Collection>(_ command: C) -> Bool where C.Element == UInt8 {
        command.contains(UInt8(ascii: "(")) && !isMessage(command)
    }

    public static func removingParenComments<C: Collection>(_ command: C) -> [UInt8] where C.Element == UInt8 {
        guard hasParenComment(command) else { return Array(command) }
        var kept: [UInt8] = []
        kept.reserveCapacity(command.count)
        var inComment = false
        for byte in command {
            if inComment {
                if byte == UInt8(ascii: ")") { inComment = false }
            } else if byte == UInt8(ascii: "(") {
                inComment = true
            } else {
                kept.append(byte)
            }
        }
        // `G1 X1 (a) Y2` leaves two blanks where the comment was, which firmwares read as one.
        while let last = kept.last, last == 0x20 || last == 0x09 { kept.removeLast() }
        return kept
    }

    /// M117 (display) and M118 (serial echo) take the rest of the line as text.
    @usableFromInline
    static func isMessage<C: Collection>(_ command: C) -> Bool where C.Element == UInt8 {
        var iterator = command.makeIterator()
        var byte = iterator.next()
        while byte == 0x20 || byte == 0x09 { byte = iterator.next() }
        guard let letter = byte, letter | 0x20 == UInt8(ascii: "m") else { return false }
        var digits: [UInt8] = []
        while let next = iterator.next(), next >= 0x30, next <= 0x39, digits.count < 4 { digits.append(next) }
        return digits == Array("117".utf8) || digits == Array("118".utf8)
    }
}
