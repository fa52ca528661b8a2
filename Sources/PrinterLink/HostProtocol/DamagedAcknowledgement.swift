/// An `ok` that line noise damaged. A plain `ok` is most of what a printing firmware says, so most damaged lines
/// are damaged `ok`s; taken for console text, each would leave a line counted in flight for good and cost an
/// acknowledgement timeout. A line that is one flipped bit or one lost byte away from `ok` — and that no
/// firmware sends for anything else — is an `ok`; so is an `ok` whose line ending was lost, glued to the line
/// after it (`okok`, `okResend: 12`).
enum DamagedAcknowledgement {
    /// The line glued after an `ok` that lost its line ending, or nil. A line ending with a flipped bit is one junk
    /// byte between the two (`ok*ok`, `ok\u{0B}Resend: 5`); it goes with the ending.
    static func gluedRemainder(_ text: String) -> String? {
        let bytes = Array(text.utf8)
        guard bytes.count > 2, bytes[0] == UInt8(ascii: "o"), bytes[1] == UInt8(ascii: "k"),
              bytes[2] != UInt8(ascii: " ") else { return nil }
        var rest = Array(bytes[2...])
        if let first = rest.first, !Self.startsReply(first) { rest.removeFirst() }
        return String(decoding: rest, as: UTF8.self)
    }

    /// The first letters of the replies a firmware sends (`ok`, `Resend:`, `rs`, `echo:`, `Error:`, `busy:`,
    /// `T:`, `wait`, `start`, `//action:`, `!!`, ` T:`…).
    private static func startsReply(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "o"), UInt8(ascii: "R"), UInt8(ascii: "r"), UInt8(ascii: "e"), UInt8(ascii: "E"),
             UInt8(ascii: "b"), UInt8(ascii: "T"), UInt8(ascii: "w"), UInt8(ascii: "s"), UInt8(ascii: "/"),
             UInt8(ascii: "!"), UInt8(ascii: "N"), UInt8(ascii: "B"): return true
        default: return false
        }
    }

    static func isLikely(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        switch bytes.count {
        case 1:
            return bytes[0] == UInt8(ascii: "o") || bytes[0] == UInt8(ascii: "k")
        case 2:
            let flipped = (bytes[0] ^ UInt8(ascii: "o")).nonzeroBitCount + (bytes[1] ^ UInt8(ascii: "k")).nonzeroBitCount
            return flipped == 1
        default:
            return false
        }
    }
}
