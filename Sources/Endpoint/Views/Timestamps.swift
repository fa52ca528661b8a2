import CivilTime
import Foundation
import Synchronization

/// Time stamps as 3DP-1 writes them (HD-HLF-06): ISO-8601 with the board's UTC offset, microseconds so that a
/// Manager can order callbacks, `-0000` when the board's zone is unknown. The offset is looked up again at most
/// once a minute: status callbacks stamp every measurement.
public enum Timestamps {
    private struct Cached {
        var offset: UTCOffset
        var validUntil: Date
    }

    private static let cache = Mutex<Cached?>(nil)

    public static func string(_ date: Date) -> String {
        ISO8601Timestamp.format(date, offset: offset(at: date), fractionalDigits: 6)
    }

    public static func offset(at date: Date) -> UTCOffset {
        if let cached = cache.withLock({ $0 }), date < cached.validUntil, date > cached.validUntil - 60 {
            return cached.offset
        }
        let offset = LocalTimeZone.offset(at: date)
        cache.withLock { $0 = Cached(offset: offset, validUntil: date + 60) }
        return offset
    }
}
