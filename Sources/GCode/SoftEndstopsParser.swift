/// M211's report, whose shape differs between Marlin versions. Marlin 2.1 (MarlinFirmware/Marlin `M211.cpp`,
/// `GcodeSuite::M211_report`, with `STR_SOFT_MIN "  Min: "` and `print_pos`'s ` X` ` Y` ` Z` from `Marlin/src/core/language.h`)
/// answers a bare `M211` in two lines, without `echo:` (the report is "for replay"):
/// ```
///   M211 S1 ; ON
///   Min:  X0.00 Y0.00 Z0.00   Max:  X200.00 Y200.00 Z200.00
/// ```
/// and inside M503 the same lines after `echo:`. Older builds print one line after `echo:`:
/// `Soft endstops: On   Min:  X0.00 Y0.00 Z0.00   Max:  X235.00 Y235.00 Z250.00` (2.0.x) and
/// `Soft endstops: On  Min: X0.00 Y0.00 Z0.00  Max: X200.00 Y200.00 Z200.00` (1.1).
enum SoftEndstopsParser {
    /// `text` is what follows `echo:`; nil when it is not a complete one-line report.
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
        guard let limits = limits(rest) else { return nil }
        return SoftEndstops(enabled: enabled, min: limits.min, max: limits.max)
    }

    /// Marlin 2.1's second line, `Min:  X0.00 Y0.00 Z0.00   Max:  X200.00 Y200.00 Z200.00` (trimmed); the line
    /// before it holds the on/off state, so `enabled` is nil. Nil when an axis is missing.
    static func parseLimitsLine(_ text: ReplyBytes) -> SoftEndstops? {
        guard text.hasPrefix("Min:", ignoringCase: true), let limits = limits(text) else { return nil }
        return SoftEndstops(enabled: nil, min: limits.min, max: limits.max)
    }

    /// The two triples after `Min:` and `Max:`.
    private static func limits(_ text: ReplyBytes) -> (min: Millimetres3, max: Millimetres3)? {
        guard let minMarker = text.firstRange(ofIgnoringCase: "Min:"),
              let maxMarker = text.firstRange(ofIgnoringCase: "Max:", from: minMarker.upperBound),
              let min = axes(text.slice(minMarker.upperBound, maxMarker.lowerBound)),
              let max = axes(text.dropFirst(maxMarker.upperBound)) else { return nil }
        return (min, max)
    }

    /// `X0.00 Y0.00 Z0.00`, also with a space between letter and number.
    private static func axes(_ words: ReplyBytes) -> Millimetres3? {
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
        return Millimetres3(x: x, y: y, z: z)
    }
}
