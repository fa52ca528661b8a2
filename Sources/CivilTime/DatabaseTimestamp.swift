import Foundation

/// Instants as GRDB stores a `Date` by default, `2026-12-05 02:24:25.123` (UTC, milliseconds): the form the queue
/// database has always held, so old rows and new ones compare as text in SQL (`finishedAt < ?`).
///
/// Written and read with calendar arithmetic rather than GRDB's own `DateFormatter` and `Calendar`: those reach
/// ICU, whose code and data (about 2 MiB) then stayed resident in the daemon for a job's timestamps (issue 12).
public enum DatabaseTimestamp {
    /// Milliseconds rounded to the nearest, as GRDB's `DateFormatter` writes them.
    public static func text(_ date: Date) -> String {
        let milliseconds = (date.timeIntervalSince1970 * 1000).rounded()
        let (seconds, millisecond) = ISO8601Timestamp.floorDivision(Int64(milliseconds), 1000)
        let (days, secondOfDay) = ISO8601Timestamp.floorDivision(seconds, 86_400)
        let (year, month, day) = ISO8601Timestamp.civilDate(daysSinceEpoch: days)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(23)
        ISO8601Timestamp.appendDigits(Int(year), count: 4, to: &bytes)
        bytes.append(UInt8(ascii: "-"))
        ISO8601Timestamp.appendTwoDigits(month, to: &bytes)
        bytes.append(UInt8(ascii: "-"))
        ISO8601Timestamp.appendTwoDigits(day, to: &bytes)
        bytes.append(UInt8(ascii: " "))
        ISO8601Timestamp.appendTwoDigits(Int(secondOfDay / 3600), to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        ISO8601Timestamp.appendTwoDigits(Int(secondOfDay / 60 % 60), to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        ISO8601Timestamp.appendTwoDigits(Int(secondOfDay % 60), to: &bytes)
        bytes.append(UInt8(ascii: "."))
        ISO8601Timestamp.appendDigits(Int(millisecond), count: 3, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `YYYY-MM-DD HH:MM:SS` with an optional fraction of 1 to 9 digits (a `T` between date and time is taken too);
    /// nil for anything else, which the caller may hand to a more lenient reader.
    public static func date(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 19, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
              bytes[10] == UInt8(ascii: " ") || bytes[10] == UInt8(ascii: "T"),
              bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"),
              let year = number(bytes[0..<4]), let month = number(bytes[5..<7]), let day = number(bytes[8..<10]),
              let hour = number(bytes[11..<13]), let minute = number(bytes[14..<16]),
              let second = number(bytes[17..<19]),
              (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day),
              hour < 24, minute < 60, second < 60 else { return nil }
        var fraction = 0.0
        if bytes.count > 19 {
            let digits = bytes[20...]
            guard bytes[19] == UInt8(ascii: "."), (1...9).contains(digits.count), let value = number(digits) else {
                return nil
            }
            fraction = Double(value) / pow(10, Double(digits.count))
        }
        let days = daysSinceEpoch(year: Int64(year), month: month, day: day)
        let seconds = days * 86_400 + Int64(hour * 3600 + minute * 60 + second)
        return Date(timeIntervalSince1970: Double(seconds) + fraction)
    }

    /// Howard Hinnant's days-from-civil, the inverse of `ISO8601Timestamp.civilDate`.
    static func daysSinceEpoch(year: Int64, month: Int, day: Int) -> Int64 {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let marchMonth = Int64(month > 2 ? month - 3 : month + 9)
        let dayOfYear = (153 * marchMonth + 2) / 5 + Int64(day) - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    private static func number(_ digits: ArraySlice<UInt8>) -> Int? {
        var value = 0
        for digit in digits {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(digit) else { return nil }
            value = value * 10 + Int(digit - UInt8(ascii: "0"))
        }
        return value
    }
}
