// JSONValue → compact JSON bytes, with a member order that never changes.
//
// Written by hand rather than through JSONSerialization/JSONEncoder so the envelope's members come in the order the
// contract shows (jsonrpc, dwapiversion, id, …), objects are sorted by key, and integers print without ".0".

/// A value that JSON cannot carry (NaN and the infinities have no JSON spelling).
public struct JSONEncodingError: Error, Sendable, Equatable {
    public var reason: String

    public init(reason: String) {
        self.reason = reason
    }
}

/// Appends compact JSON to a byte buffer.
public struct JSONWriter: Sendable {
    public private(set) var bytes: [UInt8]

    public init(reservingCapacity capacity: Int = 256) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    public mutating func write(_ value: JSONValue) throws(JSONEncodingError) {
        switch value {
        case .null: writeRaw("null")
        case let .bool(flag): writeRaw(flag ? "true" : "false")
        case let .integer(integer): writeInteger(integer)
        case let .number(number): try writeNumber(number)
        case let .string(string): writeString(string)
        case let .array(elements):
            bytes.append(UInt8(ascii: "["))
            for (position, element) in elements.enumerated() {
                if position > 0 { bytes.append(UInt8(ascii: ",")) }
                try write(element)
            }
            bytes.append(UInt8(ascii: "]"))
        case let .object(members):
            bytes.append(UInt8(ascii: "{"))
            for (position, member) in members.sorted(by: { $0.key < $1.key }).enumerated() {
                if position > 0 { bytes.append(UInt8(ascii: ",")) }
                writeString(member.key)
                bytes.append(UInt8(ascii: ":"))
                try write(member.value)
            }
            bytes.append(UInt8(ascii: "}"))
        }
    }

    /// Bytes that are already JSON (punctuation, literals, member names known to need no escaping).
    public mutating func writeRaw(_ text: StaticString) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    public mutating func writeInteger(_ integer: Int64) {
        if integer == 0 {
            bytes.append(UInt8(ascii: "0"))
            return
        }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        // The magnitude as UInt64 so Int64.min does not overflow.
        var magnitude = integer.magnitude
        withUnsafeMutableBytes(of: &digits) { buffer in
            while magnitude > 0 {
                buffer[count] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                count += 1
            }
        }
        if integer < 0 { bytes.append(UInt8(ascii: "-")) }
        withUnsafeBytes(of: &digits) { buffer in
            for position in stride(from: count - 1, through: 0, by: -1) {
                bytes.append(buffer[position])
            }
        }
    }

    /// An integral Double prints as an integer ("2", "-0"); others in Swift's shortest round-trip form, which is
    /// valid JSON ("0.1", "1e-07", "1.5e+300").
    public mutating func writeNumber(_ number: Double) throws(JSONEncodingError) {
        guard number.isFinite else {
            throw JSONEncodingError(reason: "\(number) is not a JSON number")
        }
        if let integer = Int64(exactly: number) {
            if integer == 0, number.sign == .minus {
                writeRaw("-0")
            } else {
                writeInteger(integer)
            }
            return
        }
        bytes.append(contentsOf: number.description.utf8)
    }

    /// A string with the escapes RFC 8259 requires: quotation mark, reverse solidus, and U+0000–U+001F.
    /// Everything else, including non-ASCII, is written as its UTF-8 bytes.
    public mutating func writeString(_ string: String) {
        bytes.append(UInt8(ascii: "\""))
        var string = string
        string.withUTF8 { utf8 in
            var runStart = 0
            for position in 0..<utf8.count {
                let byte = utf8[position]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<position]))
                runStart = position + 1
                bytes.append(UInt8(ascii: "\\"))
                switch byte {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"): bytes.append(byte)
                case 0x08: bytes.append(UInt8(ascii: "b"))
                case 0x0C: bytes.append(UInt8(ascii: "f"))
                case 0x0A: bytes.append(UInt8(ascii: "n"))
                case 0x0D: bytes.append(UInt8(ascii: "r"))
                case 0x09: bytes.append(UInt8(ascii: "t"))
                default:
                    let hex: StaticString = "0123456789abcdef"
                    bytes.append(contentsOf: [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                                              hex.utf8Start[Int(byte >> 4)], hex.utf8Start[Int(byte & 0xF)]])
                }
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<utf8.count]))
        }
        bytes.append(UInt8(ascii: "\""))
    }
}

extension JSONValue {
    /// Compact JSON with objects in sorted key order; fails only for a non-finite number.
    public func encoded() throws(JSONEncodingError) -> [UInt8] {
        var writer = JSONWriter()
        try writer.write(self)
        return writer.bytes
    }
}
