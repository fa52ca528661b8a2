// How deep a JSON text nests, found without parsing it, so a hostile message is refused before any parser recurses.

public enum JSONNestingScan {
    /// Whether `bytes` opens more than `limit` arrays/objects inside one another.
    ///
    /// Brackets inside strings do not count; a backslash inside a string escapes the next byte, so `"\""` does not
    /// end the string. The scan stops at the first level over the limit. It does not check that the text is valid
    /// JSON: a malformed text within the limit is the parser's to refuse.
    public static func exceeds(limit: Int, in bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var depth = 0
        var inString = false
        var escaped = false
        for byte in bytes {
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""):
                inString = true
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
                if depth > limit { return true }
            case UInt8(ascii: "]"), UInt8(ascii: "}"):
                depth -= 1
            default:
                break
            }
        }
        return false
    }

    public static func exceeds(limit: Int, in bytes: some Collection<UInt8>) -> Bool {
        if let answer = bytes.withContiguousStorageIfAvailable({ exceeds(limit: limit, in: $0) }) {
            return answer
        }
        return Array(bytes).withUnsafeBufferPointer { exceeds(limit: limit, in: $0) }
    }
}
