/// A window on the bytes of one firmware line, indexed from 0. The reply parsers work on this view so that
/// the frequent lines (`ok`, temperature reports) are classified without building a String.
@usableFromInline
struct ReplyBytes {
    let base: UnsafeBufferPointer<UInt8>
    private(set) var start: Int
    private(set) var end: Int

    @usableFromInline
    init(_ base: UnsafeBufferPointer<UInt8>) {
        self.base = base
        self.start = 0
        self.end = base.count
    }

    private init(base: UnsafeBufferPointer<UInt8>, start: Int, end: Int) {
        self.base = base
        self.start = start
        self.end = end
    }

    var count: Int { end - start }
    var isEmpty: Bool { start >= end }

    subscript(offset: Int) -> UInt8 { base[start + offset] }

    func dropFirst(_ n: Int) -> ReplyBytes {
        ReplyBytes(base: base, start: Swift.min(start + n, end), end: end)
    }

    func prefix(_ n: Int) -> ReplyBytes {
        ReplyBytes(base: base, start: start, end: Swift.min(start + n, end))
    }

    /// Bytes `from ..< to`, relative to this view.
    func slice(_ from: Int, _ to: Int) -> ReplyBytes {
        ReplyBytes(base: base, start: start + from, end: start + to)
    }

    /// Without the spaces, tabs, CR, LF and NUL bytes that serial lines carry around their text.
    func trimmed() -> ReplyBytes {
        var first = start
        var last = end
        while first < last, Self.isPadding(base[first]) { first += 1 }
        while last > first, Self.isPadding(base[last - 1]) { last -= 1 }
        return ReplyBytes(base: base, start: first, end: last)
    }

    func trimmingLeadingSpaces() -> ReplyBytes {
        var first = start
        while first < end, Self.isPadding(base[first]) { first += 1 }
        return ReplyBytes(base: base, start: first, end: end)
    }

    static func isPadding(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A || byte == 0x00
    }

    /// ASCII prefix test; `ignoringCase` folds letters only.
    func hasPrefix(_ text: StaticString, ignoringCase: Bool = false) -> Bool {
        let length = text.utf8CodeUnitCount
        guard count >= length else { return false }
        let pattern = text.utf8Start
        for offset in 0..<length {
            let byte = self[offset]
            let expected = pattern[offset]
            if byte == expected { continue }
            if ignoringCase, Self.lowercased(byte) == Self.lowercased(expected) { continue }
            return false
        }
        return true
    }

    func equals(_ text: StaticString) -> Bool {
        count == text.utf8CodeUnitCount && hasPrefix(text)
    }

    func firstIndex(of byte: UInt8, from: Int = 0) -> Int? {
        var offset = from
        while offset < count {
            if self[offset] == byte { return offset }
            offset += 1
        }
        return nil
    }

    /// Offset of the first occurrence of `text`, ASCII case folded.
    func firstRange(ofIgnoringCase text: StaticString, from: Int = 0) -> Range<Int>? {
        let length = text.utf8CodeUnitCount
        guard length > 0, count >= length else { return nil }
        var offset = from
        while offset + length <= count {
            if dropFirst(offset).hasPrefix(text, ignoringCase: true) { return offset..<(offset + length) }
            offset += 1
        }
        return nil
    }

    func contains(ignoringCase text: StaticString) -> Bool {
        firstRange(ofIgnoringCase: text) != nil
    }

    var string: String {
        String(decoding: UnsafeBufferPointer(rebasing: base[start..<end]), as: UTF8.self)
    }

    static func lowercased(_ byte: UInt8) -> UInt8 {
        byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
    }

    static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
    static func isUpper(_ byte: UInt8) -> Bool { byte >= 0x41 && byte <= 0x5A }
    static func isLetter(_ byte: UInt8) -> Bool { isUpper(lowercased(byte) & ~0x20) }

    /// The whole view as a non-negative decimal integer; nil for anything else or an overflow.
    var integer: Int? {
        guard !isEmpty, count <= 18 else { return nil }
        var value = 0
        for offset in 0..<count {
            let byte = self[offset]
            guard Self.isDigit(byte) else { return nil }
            value = value * 10 + Int(byte &- 0x30)
        }
        return value
    }

    /// The leading decimal digits as an integer and how many bytes they took.
    func leadingInteger() -> (value: Int, length: Int)? {
        var value = 0
        var length = 0
        while length < count, length < 18, Self.isDigit(self[length]) {
            value = value * 10 + Int(self[length] &- 0x30)
            length += 1
        }
        return length > 0 ? (value, length) : nil
    }

    /// The whole view as a decimal number (`-12`, `210.00`, `.5`); nil for anything else.
    /// Digits are gathered into an integer and divided by a power of ten once, which rounds exactly like
    /// `Double("210.05")` while the digits fit in 2^53, without building a String on the hot path.
    var decimal: Double? {
        guard !isEmpty else { return nil }
        var offset = 0
        var negative = false
        if self[0] == UInt8(ascii: "-") || self[0] == UInt8(ascii: "+") {
            negative = self[0] == UInt8(ascii: "-")
            offset = 1
        }
        var mantissa: UInt64 = 0
        var digits = 0
        var fractionDigits = 0
        var sawPoint = false
        while offset < count {
            let byte = self[offset]
            if Self.isDigit(byte) {
                mantissa = mantissa &* 10 &+ UInt64(byte &- 0x30)
                digits += 1
                if sawPoint { fractionDigits += 1 }
            } else if byte == UInt8(ascii: "."), !sawPoint {
                sawPoint = true
            } else {
                return nil
            }
            offset += 1
        }
        guard digits > 0 else { return nil }
        guard digits <= 15 else { return Double(string) }
        var value = Double(mantissa)
        if fractionDigits > 0 { value /= Self.powersOfTen[fractionDigits] }
        return negative ? -value : value
    }

    private static let powersOfTen: [Double] = (0...15).map { exponent in
        var value = 1.0
        for _ in 0..<exponent { value *= 10 }
        return value
    }
}

extension ReplyBytes {
    /// Splits on spaces and tabs, calling `body` with each non-empty word; `body` returns false to stop.
    func forEachWord(_ body: (ReplyBytes) -> Bool) {
        var offset = 0
        while offset < count {
            while offset < count, self[offset] == 0x20 || self[offset] == 0x09 { offset += 1 }
            let wordStart = offset
            while offset < count, self[offset] != 0x20, self[offset] != 0x09 { offset += 1 }
            if offset > wordStart, !body(slice(wordStart, offset)) { return }
        }
    }
}
