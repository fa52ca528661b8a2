/// An `ok` that line noise damaged. A plain `ok` is most of what a printing firmware says, so most damaged lines
/// are damaged `ok`s; taken for console text, each would leave a line counted in flight for good and cost an
/// acknowledgement timeout. A line that is one flipped bit or one lost byte away from `ok` — and that no
/// firmware sends for anything else — is an `ok`; so is an `ok` whose line ending was lost, glued to the line
/// after it (`okok`, `okResend: 12`).
enum DamagedAcknowledgement {
    /// The line glued after an `ok` that lost its line ending, or nil.
    static func gluedRemainder(_ text: String) -> String? {
        let bytes = text.utf8
        guard bytes.count > 2, text.hasPrefix("ok") else { return nil }
        let third = bytes[bytes.index(bytes.startIndex, offsetBy: 2)]
        guard third != UInt8(ascii: " ") else { return nil }
        return String(text.dropFirst(2))
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
