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
        guard scalars.count > 2, scalars[0] == "o", scalars[1] == "k", scalars[2] != " " else { return nil }
        var rest = scalars[2...]
        if let first = rest.first, !startsReply(first) { rest = rest.dropFirst() }
        var remainder = ""
        remainder.unicodeScalars.append(contentsOf: rest)
        return remainder
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
