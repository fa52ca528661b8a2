import Foundation
import ThreeDPProtocol

/// Number and JSON spellings shared by the one-line renderings. Pure: no clock, no locale.
public enum TerminalText {
    /// Compact JSON, members sorted: what `--json` prints.
    public static func compactJSON(_ value: JSONValue) -> String {
        var writer = JSONWriter()
        do {
            try writer.write(value)
        } catch {
            return "<\(error.reason)>"
        }
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    /// One decimal, rounded half away from zero: "215.0", "-0.5", "42.0".
    public static func oneDecimal(_ value: Double) -> String {
        guard value.isFinite else { return "?" }
        let tenths = Int64((value * 10).rounded())
        let magnitude = tenths.magnitude
        return (tenths < 0 ? "-" : "") + "\(magnitude / 10).\(magnitude % 10)"
    }

    /// A whole number without ".0", else one decimal: targets are set in whole degrees ("215", "60").
    public static func compactNumber(_ value: Double) -> String {
        if let whole = Int64(exactly: value) { return "\(whole)" }
        return oneDecimal(value)
    }

    /// A fraction 0…1 as a percentage with one decimal: 0.42 → "42.0%".
    public static func percent(_ fraction: Double) -> String {
        oneDecimal(fraction * 100) + "%"
    }

    /// Bytes in binary units with one decimal ("3.8 GiB", "512.0 KiB", "17 B").
    public static func bytes(_ count: Int64) -> String {
        let units = ["KiB", "MiB", "GiB", "TiB"]
        var value = Double(count)
        guard value.magnitude >= 1024 else { return "\(count) B" }
        var unit = -1
        while value.magnitude >= 1024, unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return oneDecimal(value) + " " + units[unit]
    }

    /// "HH:MM:SS" of an ISO-8601 timestamp as the agent wrote it (its own zone), nil when it is not one.
    public static func clock(ofTimestamp timestamp: String) -> String? {
        let characters = Array(timestamp.utf8)
        guard characters.count >= 19, characters[10] == UInt8(ascii: "T") else { return nil }
        let clock = characters[11..<19]
        let digits = clock.enumerated().allSatisfy { offset, byte in
            offset == 2 || offset == 5 ? byte == UInt8(ascii: ":") : (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
        }
        return digits ? String(decoding: clock, as: UTF8.self) : nil
    }

    /// "HH:MM:SS" of `date` in `timeZone`: the receive time of a callback that carries no time stamp of its own.
    public static func clock(_ date: Date, in timeZone: TimeZone = .current) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.hour, .minute, .second], from: date)
        return [parts.hour, parts.minute, parts.second].map { value in
            let number = value ?? 0
            return number < 10 ? "0\(number)" : "\(number)"
        }.joined(separator: ":")
    }
}
