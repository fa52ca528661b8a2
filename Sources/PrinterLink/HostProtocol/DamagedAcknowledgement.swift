/// An `ok` that line noise damaged. A plain `ok` is most of what a printing firmware says, so most damaged lines
/// are damaged `ok`s; taken for console text, each would leave a line counted in flight for good and cost an
/// acknowledgement timeout. A line that is one flipped bit or one lost byte away from `ok` — and that no
/// firmware sends for anything else — is an `ok`; so is an `ok` whose line ending was lost or damaged, glued to
/// the line after it (`okok`, `okResend: 12`, `ok*ok`). The reply parser has already decoded the line: a byte
/// whose top bit flipped is no UTF-8 and arrives as U+FFFD.
enum DamagedAcknowledgement {
    private static let replacement: Unicode.Scalar = "\u{FFFD}"

    static func isLikely(_ text: String) -> Bool {
        let scalars = Array(text.unicodeScalars)
        if isDamagedAdvancedOk(scalars) { return true }
        switch scalars.count {
        case 1:
            return scalars[0] == "o" || scalars[0] == "k"
        case 2:
            return oneBitAway(scalars[0], from: "o") && scalars[1] == "k"
                || scalars[0] == "o" && oneBitAway(scalars[1], from: "k")
        default:
            return false
        }
    }

    /// The line glued after an `ok` that lost its line ending, or nil. A line ending with a flipped bit is one junk
    /// character between the two; it goes with the ending.
    static func gluedRemainder(_ text: String) -> String? {
        let scalars = Array(text.unicodeScalars)
        guard scalars.count > 2, scalars[0] == "o", scalars[1] == "k", scalars[2] != " ",
              !isDamagedAdvancedOk(scalars) else { return nil }
        var rest = scalars[2...]
        if let first = rest.first, !startsReply(first) { rest = rest.dropFirst() }
        var remainder = ""
        remainder.unicodeScalars.append(contentsOf: rest)
        return remainder
    }

    /// ADVANCED_OK's `ok N<line> P<planner> B<buffer>` with one byte flipped or lost: without its digits, the line
    /// is one edit away from `ok N P B` (a digit that became a letter adds one; a lost space or letter removes one).
    /// Its numbers are not trusted: only that it is an `ok`.
    private static func isDamagedAdvancedOk(_ scalars: [Unicode.Scalar]) -> Bool {
        guard scalars.count >= 8 else { return false }
        let skeleton = scalars.filter { !("0"..."9").contains($0) }
        return isOneEditAway(skeleton, from: Array("ok N P B".unicodeScalars))
    }

    /// Equal, or one substitution, insertion or deletion apart.
    private static func isOneEditAway(_ text: [Unicode.Scalar], from expected: [Unicode.Scalar]) -> Bool {
        guard abs(text.count - expected.count) <= 1 else { return false }
        var i = 0, j = 0, edits = 0
        while i < text.count, j < expected.count {
            if text[i] == expected[j] { i += 1; j += 1; continue }
            edits += 1
            if edits > 1 { return false }
            if text.count > expected.count { i += 1 } else if text.count < expected.count { j += 1 } else { i += 1; j += 1 }
        }
        return edits + (text.count - i) + (expected.count - j) <= 1
    }

    private static func oneBitAway(_ scalar: Unicode.Scalar, from expected: Unicode.Scalar) -> Bool {
        if scalar == replacement { return true } // the top bit: no longer ASCII
        guard scalar.isASCII else { return false }
        return (UInt8(scalar.value) ^ UInt8(expected.value)).nonzeroBitCount == 1
    }

    /// The first letters of the replies a firmware sends (`ok`, `Resend:`, `rs`, `echo:`, `Error:`, `busy:`,
    /// `T:`, `wait`, `start`, `//action:`, `!!`, ` T:`…).
    private static func startsReply(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "o", "R", "r", "e", "E", "b", "T", "w", "s", "/", "!", "N", "B", " ": return true
        default: return false
        }
    }
}
