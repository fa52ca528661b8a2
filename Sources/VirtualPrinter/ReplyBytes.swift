/// Building reply lines straight into the output bytes, without intermediate Strings: an `ok` goes out for every
/// command on the hot path.
extension Array where Element == UInt8 {
    @inline(__always)
    mutating func appendASCII(_ text: StaticString) {
        text.withUTF8Buffer { append(contentsOf: $0) }
    }

    mutating func appendText(_ text: String) {
        append(contentsOf: text.utf8)
    }

    mutating func appendDecimal(_ value: Int) {
        if value < 0 {
            append(UInt8(ascii: "-"))
            appendDecimal(value == Int.min ? Int.max : -value)
            return
        }
        if value < 10 {
            append(UInt8(ascii: "0") + UInt8(value))
            return
        }
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0) // 24 bytes: room for the 19 digits of Int.max
        var count = 0
        var rest = value
        Swift.withUnsafeMutableBytes(of: &digits) { raw in
            while rest > 0 {
                raw[count] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
                count += 1
            }
            while count > 0 {
                count -= 1
                append(raw[count])
            }
        }
    }

    /// Two decimals, as Marlin prints temperatures and positions (`22.00`, `-5.00`).
    mutating func appendFixed2(_ value: Double) {
        let hundredths = Int((value * 100).rounded())
        if hundredths < 0 { append(UInt8(ascii: "-")) }
        let magnitude = hundredths.magnitude
        appendDecimal(Int(magnitude / 100))
        append(UInt8(ascii: "."))
        append(UInt8(ascii: "0") + UInt8(magnitude % 100 / 10))
        append(UInt8(ascii: "0") + UInt8(magnitude % 10))
    }
}
