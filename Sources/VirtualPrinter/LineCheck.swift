/// Why Marlin refuses a line and asks for it again.
public enum LineError: Equatable, Sendable {
    /// The line's number is not the last accepted number plus one.
    case lineNumber
    /// The XOR after `*` does not match the line.
    case checksumMismatch
    /// A numbered line without `*checksum`.
    case missingChecksum

    /// Marlin's message, which it completes with the last accepted line number (STR_ERR_LINE_NO and friends).
    var message: StaticString {
        switch self {
        case .lineNumber: "Line Number is not Last Line Number+1, Last Line: "
        case .checksumMismatch: "checksum mismatch, Last Line: "
        case .missingChecksum: "No Checksum with line number, Last Line: "
        }
    }
}

/// What Marlin's `get_serial_commands` decides about one complete line before it may enter the command queue.
enum LineVerdict: Equatable, Sendable {
    /// Queue the line; a numbered line becomes the last accepted line.
    case accepted(number: Int?)
    case rejected(LineError)
}

/// Marlin's reception checks, in Marlin's order: only a line that starts with `N` is checked; its number comes first
/// (so a line with a wrong number and a bad checksum is a line-number error), then its checksum. A line containing
/// `M110` takes its number from the `N` after the command and skips the sequence check. Unnumbered lines pass
/// unchecked, with or without `*`. Numbers are read as `strtol` reads them: no digits is 0.
enum LineCheck {
    static func verdict(for line: [UInt8], lastNumber: Int) -> LineVerdict {
        var start = 0
        while start < line.count, line[start] == UInt8(ascii: " ") { start += 1 }
        guard start < line.count, line[start] == UInt8(ascii: "N") else { return .accepted(number: nil) }

        var numberPosition = start
        let setsLineNumber = contains(line, from: start, "M110")
        if setsLineNumber, let second = firstIndex(of: UInt8(ascii: "N"), in: line, from: start + 4) {
            numberPosition = second
        }
        let number = strtol(line, from: numberPosition + 1)
        if number != lastNumber &+ 1 && !setsLineNumber { return .rejected(.lineNumber) }

        guard let star = lastIndex(of: UInt8(ascii: "*"), in: line, from: start) else {
            return .rejected(.missingChecksum)
        }
        var checksum: UInt8 = 0
        for index in start..<star { checksum ^= line[index] }
        guard strtol(line, from: star + 1) == Int(checksum) else { return .rejected(.checksumMismatch) }
        return .accepted(number: number)
    }

    /// C's `strtol(…, 10)`: optional white space, an optional sign, then digits; 0 when there are none.
    static func strtol(_ bytes: [UInt8], from start: Int) -> Int {
        var index = start
        while index < bytes.count, bytes[index] == UInt8(ascii: " ") || (bytes[index] >= 0x09 && bytes[index] <= 0x0D) {
            index += 1
        }
        var negative = false
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+") {
            negative = bytes[index] == UInt8(ascii: "-")
            index += 1
        }
        var value = 0
        while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") {
            // Saturate instead of trapping; a number this long is a damaged line, never a real one.
            let (product, overflow) = value.multipliedReportingOverflow(by: 10)
            value = overflow ? Int.max : min(Int.max - 9, product) + Int(bytes[index] - UInt8(ascii: "0"))
            index += 1
        }
        return negative ? -value : value
    }

    private static func contains(_ bytes: [UInt8], from start: Int, _ needle: StaticString) -> Bool {
        let length = needle.utf8CodeUnitCount
        guard bytes.count - start >= length else { return false }
        return needle.withUTF8Buffer { pattern in
            var index = start
            while index + length <= bytes.count {
                var offset = 0
                while offset < length, bytes[index + offset] == pattern[offset] { offset += 1 }
                if offset == length { return true }
                index += 1
            }
            return false
        }
    }

    private static func firstIndex(of byte: UInt8, in bytes: [UInt8], from start: Int) -> Int? {
        var index = start
        while index < bytes.count {
            if bytes[index] == byte { return index }
            index += 1
        }
        return nil
    }

    private static func lastIndex(of byte: UInt8, in bytes: [UInt8], from start: Int) -> Int? {
        var index = bytes.count - 1
        while index >= start {
            if bytes[index] == byte { return index }
            index -= 1
        }
        return nil
    }
}
