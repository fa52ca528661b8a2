import Foundation

/// ISO-8601 timestamps with their UTC offset, as 3DP-1 writes `measuredAt` and `agent.time`:
/// `2026-11-21T09:00:00+0100` (HD-HLF-06's ±hhmm), or `2026-11-21T08:00:00-0000` when the zone is unknown (the
/// wall-clock part is then UTC).
///
/// Pure arithmetic on the proleptic Gregorian calendar, with no Calendar or DateFormatter: status
/// callbacks stamp every measurement, and the result must not depend on the process's locale.
public enum ISO8601Timestamp {
    /// - Parameter fractionalDigits: digits of the second's fraction, 0 (the seed's form) to 9;
    ///   truncated, never rounded, so a timestamp never runs ahead of the instant it names.
    public static func format(_ date: Date, offset: UTCOffset, fractionalDigits: Int = 0) -> String {
        let interval = date.timeIntervalSince1970
        let whole = interval.rounded(.down)
        let nanoseconds = min(999_999_999, max(0, Int(((interval - whole) * 1e9).rounded(.down))))
        return format(
            secondsSinceEpoch: Int64(whole), nanoseconds: nanoseconds,
            offset: offset, fractionalDigits: fractionalDigits)
    }

    public static func format(
        secondsSinceEpoch: Int64, nanoseconds: Int = 0, offset: UTCOffset, fractionalDigits: Int = 0
    ) -> String {
        let local = secondsSinceEpoch + Int64(offset.effectiveSeconds)
        let (days, secondOfDay) = floorDivision(local, 86_400)
        let (year, month, day) = civilDate(daysSinceEpoch: days)

        var bytes: [UInt8] = []
        bytes.reserveCapacity(36)
        if year < 0 { bytes.append(UInt8(ascii: "-")) }
        appendDigits(Int(abs(year)), count: 4, to: &bytes)
        bytes.append(UInt8(ascii: "-"))
        appendTwoDigits(month, to: &bytes)
        bytes.append(UInt8(ascii: "-"))
        appendTwoDigits(day, to: &bytes)
        bytes.append(UInt8(ascii: "T"))
        appendTwoDigits(Int(secondOfDay / 3600), to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        appendTwoDigits(Int(secondOfDay / 60 % 60), to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        appendTwoDigits(Int(secondOfDay % 60), to: &bytes)
        let digits = min(9, max(0, fractionalDigits))
        if digits > 0 {
            var divisor = 1
            for _ in digits..<9 { divisor *= 10 }
            bytes.append(UInt8(ascii: "."))
            appendDigits(min(999_999_999, max(0, nanoseconds)) / divisor, count: digits, to: &bytes)
        }
        bytes.append(contentsOf: offset.designatorBytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Year, month (1–12) and day (1–31) of a day counted from 1970-01-01 (Howard Hinnant's
    /// days-to-civil algorithm: exact for every day, negative ones included).
    static func civilDate(daysSinceEpoch: Int64) -> (year: Int64, month: Int, day: Int) {
        let shifted = daysSinceEpoch + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let marchMonth = (5 * dayOfYear + 2) / 153
        let day = Int(dayOfYear - (153 * marchMonth + 2) / 5 + 1)
        let month = Int(marchMonth < 10 ? marchMonth + 3 : marchMonth - 9)
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }

    static func floorDivision(_ value: Int64, _ divisor: Int64) -> (quotient: Int64, remainder: Int64) {
        var quotient = value / divisor
        var remainder = value % divisor
        if remainder < 0 {
            quotient -= 1
            remainder += divisor
        }
        return (quotient, remainder)
    }

    static func appendTwoDigits(_ value: Int, to bytes: inout [UInt8]) {
        appendDigits(value, count: 2, to: &bytes)
    }

    /// Zero-padded to `count` digits; wider values keep all their digits.
    static func appendDigits(_ value: Int, count: Int, to bytes: inout [UInt8]) {
        var digits: [UInt8] = []
        var rest = value
        repeat {
            digits.append(UInt8(ascii: "0") + UInt8(rest % 10))
            rest /= 10
        } while rest > 0
        if digits.count < count { digits.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: count - digits.count)) }
        bytes.append(contentsOf: digits.reversed())
    }
}
