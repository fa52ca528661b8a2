/// M211's report, whose spacing differs between Marlin versions:
/// `Soft endstops: On   Min:  X0.00 Y0.00 Z0.00   Max:  X235.00 Y235.00 Z250.00` (2.x) and
/// `Soft endstops: On  Min: X0.00 Y0.00 Z0.00  Max: X200.00 Y200.00 Z200.00` (1.1).
enum SoftEndstopsParser {
    /// `text` is what follows `echo:`; nil when it is not a complete report.
    static func parse(_ text: ReplyBytes) -> SoftEndstops? {
        guard text.hasPrefix("Soft endstops:", ignoringCase: true) else { return nil }
        let rest = text.dropFirst(14).trimmingLeadingSpaces()
        let enabled: Bool
        if rest.hasPrefix("on", ignoringCase: true) {
            enabled = true
        } else if rest.hasPrefix("off", ignoringCase: true) {
            enabled = false
        } else {
            return nil
        }
        guard let minMarker = rest.firstRange(ofIgnoringCase: "Min:"),
              let maxMarker = rest.firstRange(ofIgnoringCase: "Max:", from: minMarker.upperBound),
              let min = axes(rest.slice(minMarker.upperBound, maxMarker.lowerBound)),
              let max = axes(rest.dropFirst(maxMarker.upperBound)) else { return nil }
        return SoftEndstops(enabled: enabled, min: min, max: max)
    }

    /// `X0.00 Y0.00 Z0.00`, also with a space between letter and number.
    private static func axes(_ words: ReplyBytes) -> SoftEndstops.Axes? {
        var x: Double?
        var y: Double?
        var z: Double?
        var pendingAxis: UInt8?
        func assign(_ axis: UInt8, _ value: Double) {
            switch axis {
            case UInt8(ascii: "x"): x = value
            case UInt8(ascii: "y"): y = value
            case UInt8(ascii: "z"): z = value
            default: break
            }
        }
        words.forEachWord { word in
            if let axis = pendingAxis {
                pendingAxis = nil
                if let value = word.decimal { assign(axis, value) }
                return true
            }
            let axis = ReplyBytes.lowercased(word[0])
            if word.count == 1 {
                pendingAxis = axis
            } else if let value = word.dropFirst(1).decimal {
                assign(axis, value)
            } else if word[1] == UInt8(ascii: ":"), let value = word.dropFirst(2).decimal {
                assign(axis, value)
            }
            return true
        }
        guard let x, let y, let z else { return nil }
        return SoftEndstops.Axes(x: x, y: y, z: z)
    }
}
