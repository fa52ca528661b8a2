import Board
import CivilTime
import Foundation
import Glibc

/// The pure arithmetic of `bench events`: reading a callback's `reportedAt` back into an instant, and
/// summarising latencies. Kept apart from the sockets so that a mistake here shows as a wrong number, not a hang.
enum CallbackInstant {
    /// Nanoseconds since 1970 of a 3DP-1 timestamp, `2026-11-21T09:00:00.123456+0100` (fraction of any length,
    /// offset as ±hhmm, ±hh:mm or Z; `-0000` means UTC with the zone unknown). Nil for anything else.
    static func nanosecondsSinceEpoch(_ text: String) -> Int64? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 20, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
              bytes[10] == UInt8(ascii: "T"), bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"),
              let year = number(bytes, 0, 4), let month = number(bytes, 5, 2), let day = number(bytes, 8, 2),
              let hour = number(bytes, 11, 2), let minute = number(bytes, 14, 2), let second = number(bytes, 17, 2),
              (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61
        else { return nil }
        var index = 19
        var nanoseconds: Int64 = 0
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            var scale: Int64 = 100_000_000
            let first = index
            while index < bytes.count, let digit = digitValue(bytes[index]) {
                nanoseconds += Int64(digit) * scale
                scale /= 10
                index += 1
            }
            guard index > first else { return nil }
        }
        guard let offset = UTCOffset(designator: String(decoding: bytes[index...], as: UTF8.self)) else { return nil }
        let days = daysSinceEpoch(year: Int64(year), month: Int64(month), day: Int64(day))
        let local = days * 86_400 + Int64(hour * 3600 + minute * 60 + second)
        return (local - Int64(offset.effectiveSeconds)) * 1_000_000_000 + nanoseconds
    }

    /// Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's days-from-civil).
    static func daysSinceEpoch(year: Int64, month: Int64, day: Int64) -> Int64 {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    private static func number(_ bytes: [UInt8], _ start: Int, _ count: Int) -> Int? {
        var value = 0
        for index in start..<(start + count) {
            guard let digit = digitValue(bytes[index]) else { return nil }
            value = value * 10 + digit
        }
        return value
    }

    private static func digitValue(_ byte: UInt8) -> Int? {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) ? Int(byte - UInt8(ascii: "0")) : nil
    }
}

/// The wall clock the agent stamps `reportedAt` with (CLOCK_REALTIME, as `Date()` reads it), in nanoseconds.
enum WallClock {
    static func nanoseconds() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Int64(spec.tv_sec) * 1_000_000_000 + Int64(spec.tv_nsec)
    }
}

/// CPU time (user and system) this process has used so far, in nanoseconds.
enum ProcessCPU {
    static func nanoseconds() -> Int64 {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        let user = Int64(usage.ru_utime.tv_sec) * 1_000_000_000 + Int64(usage.ru_utime.tv_usec) * 1000
        let system = Int64(usage.ru_stime.tv_sec) * 1_000_000_000 + Int64(usage.ru_stime.tv_usec) * 1000
        return user + system
    }
}

/// What the subscribers' process measured, as the one JSON line it prints for the bench.
struct SubscriberReport: Codable, Equatable {
    var clients: Int
    /// Clients that were cut off or failed before the window closed.
    var failedClients: Int
    var seconds: Double
    var callbacks: Int
    var callbacksPerSecond: Double
    var p50Milliseconds: Double
    var p99Milliseconds: Double
    var maxMilliseconds: Double
    /// The subscribers' own CPU over the window, in % of one core: on a 2-core board it competes with the agent.
    var clientsCPUPercent: Double
    /// The first failure, when there was one.
    var failure: String?

    /// Nearest-rank percentiles of latencies in nanoseconds.
    static func summarise(latencies: [Int64], clients: Int, failedClients: Int, seconds: Double,
                          clientsCPUPercent: Double, failure: String?) -> SubscriberReport {
        let sorted = latencies.sorted()
        func rank(_ fraction: Double) -> Double {
            guard !sorted.isEmpty else { return 0 }
            let index = min(sorted.count - 1, max(0, Int((fraction * Double(sorted.count)).rounded(.up)) - 1))
            return Double(sorted[index]) / 1e6
        }
        return SubscriberReport(
            clients: clients, failedClients: failedClients, seconds: seconds, callbacks: sorted.count,
            callbacksPerSecond: seconds > 0 ? Double(sorted.count) / seconds : 0,
            p50Milliseconds: rank(0.5), p99Milliseconds: rank(0.99), maxMilliseconds: rank(1),
            clientsCPUPercent: clientsCPUPercent, failure: failure)
    }
}
