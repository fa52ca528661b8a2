import Foundation
import Glibc

/// The board's local UTC offset, as the C library sees it (TZ, else /etc/localtime).
public enum LocalTimeZone {
    /// glibc falls back to UTC when TZ is unset and /etc/localtime is missing, but nobody chose
    /// that zone: the civil offset is then unknown (HD-HLF-06's `-0000`), not zero. A TZ that is
    /// set, even empty (which glibc reads as UTC), is somebody's choice.
    public static func isKnown(tzVariable: String?, localtimeExists: Bool) -> Bool {
        tzVariable != nil || localtimeExists
    }

    /// The offset in force at `date`. `root` is where /etc/localtime is looked for; the offset itself
    /// comes from the C library, which always reads the real /etc/localtime.
    public static func offset(at date: Date, root: String = "/") -> UTCOffset {
        let tzVariable = getenv("TZ").map { String(cString: $0) }
        let localtime = root.hasSuffix("/") ? root + "etc/localtime" : root + "/etc/localtime"
        let localtimeExists = FileManager.default.fileExists(atPath: localtime)
        guard isKnown(tzVariable: tzVariable, localtimeExists: localtimeExists) else { return .unknown }

        // tzset again on every call: an administrator may change the zone while the agent runs.
        tzset()
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var fields = tm()
        guard localtime_r(&seconds, &fields) != nil else { return .unknown }
        return .known(seconds: Int(fields.tm_gmtoff))
    }
}
