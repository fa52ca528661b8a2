/// The local time's offset from UTC, or the admission that the board does not know it.
///
/// HD-HLF-06 writes a timestamp as `yyyy-mm-ddThh:mm:ss+hhmm`: a known offset as ±hhmm and an unknown
/// one as `-0000` ("UTC time is known but the actual civil time zone offset is not"). Offsets are whole minutes; the few historical
/// zones with seconds in their offset (local mean time before 1900) are truncated toward zero, so
/// the wall-clock part of a timestamp always agrees with the designator printed after it.
public enum UTCOffset: Sendable, Equatable, Hashable {
    case known(seconds: Int)
    case unknown

    /// The offset in seconds that a timestamp's wall-clock part is shifted by: whole minutes for a
    /// known zone, zero for an unknown one (the time is then UTC).
    public var effectiveSeconds: Int {
        switch self {
        case .known(let seconds): return (seconds / 60) * 60
        case .unknown: return 0
        }
    }

    /// `+0100`, `-0530`, `+0000`, or `-0000` when the zone is unknown (HD-HLF-06's ±hhmm).
    public var designator: String {
        String(decoding: designatorBytes, as: UTF8.self)
    }

    var designatorBytes: [UInt8] {
        guard case .known = self else { return Array("-0000".utf8) }
        let minutes = effectiveSeconds / 60
        let magnitude = abs(minutes)
        var bytes: [UInt8] = [minutes < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+")]
        ISO8601Timestamp.appendTwoDigits(magnitude / 60, to: &bytes)
        ISO8601Timestamp.appendTwoDigits(magnitude % 60, to: &bytes)
        return bytes
    }

    /// Reads a designator back: `Z`, `±hh:mm`, `±hhmm` or `±hh`; `-0000` and `-00:00` (RFC 3339's
    /// spelling of the same idea) mean unknown. Nil for anything else.
    public init?(designator: String) {
        let bytes = Array(designator.utf8)
        if bytes == [UInt8(ascii: "Z")] {
            self = .known(seconds: 0)
            return
        }
        guard let sign = bytes.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") else { return nil }
        var digits = Array(bytes.dropFirst())
        if digits.count == 5, digits[2] == UInt8(ascii: ":") { digits.remove(at: 2) }
        guard digits.count == 4 || digits.count == 2,
              digits.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") })
        else { return nil }
        let values = digits.map { Int($0 - UInt8(ascii: "0")) }
        let hours = values[0] * 10 + values[1]
        let minutes = values.count == 4 ? values[2] * 10 + values[3] : 0
        guard hours <= 23, minutes <= 59 else { return nil }
        if sign == UInt8(ascii: "-"), hours == 0, minutes == 0 {
            self = .unknown
            return
        }
        let seconds = (hours * 60 + minutes) * 60
        self = .known(seconds: sign == UInt8(ascii: "-") ? -seconds : seconds)
    }
}

/// Encoded as its designator, the form a Manager sees on the wire.
extension UTCOffset: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let offset = UTCOffset(designator: text) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "not a UTC offset designator: \(text)")
        }
        self = offset
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(designator)
    }
}
