import CivilTime
import Foundation
import GRDB
import Testing

/// The queue's timestamps keep GRDB's text form without its DateFormatter: the same text GRDB wrote before,
/// read back to the same instant.
@Suite struct DatabaseTimestampTests {
    @Test(arguments: [
        (0.0, "1970-01-01 00:00:00.000"),
        (1_780_000_000.123_9, "2026-05-28 20:26:40.124"),
        (951_782_400.5, "2000-02-29 00:00:00.500"),
        (-1.0, "1969-12-31 23:59:59.000"),
        (4_102_444_799.999_6, "2100-01-01 00:00:00.000"),
    ])
    func textOfAnInstant(seconds: Double, text: String) {
        #expect(DatabaseTimestamp.text(Date(timeIntervalSince1970: seconds)) == text)
        let back = DatabaseTimestamp.date(text)
        #expect(back.map { abs($0.timeIntervalSince1970 - (seconds * 1000).rounded() / 1000) < 1e-6 } == true)
    }

    /// What GRDB itself writes for a Date (through Foundation), over every day of several years and odd times.
    @Test func sameTextAsGRDB() {
        var seconds = 946_684_800.0 - 86_400 * 400
        while seconds < 946_684_800 + 86_400 * 3000 {
            let date = Date(timeIntervalSince1970: seconds)
            guard case .string(let grdb) = date.databaseValue.storage else { Issue.record("not text"); return }
            #expect(DatabaseTimestamp.text(date) == grdb)
            #expect(DatabaseTimestamp.date(grdb).map { abs($0.timeIntervalSince(date)) < 0.001 } == true)
            seconds += 86_400 * 7 + 3_723.456
        }
    }

    @Test(arguments: ["", "2026-12-05", "2026-13-01 00:00:00", "2026-02-30 00:00:00", "2026-12-05 24:00:00",
                      "2026-12-05 10:00:00.", "2026-12-05 10:00:00.1234567890", "2026-12-05 10:00:00Z", "20261205 10:00:00"])
    func refusesWhatItDoesNotWrite(text: String) {
        #expect(DatabaseTimestamp.date(text) == nil)
    }

    @Test func takesATBetweenDateAndTime() {
        #expect(DatabaseTimestamp.date("2026-12-05T02:24:25.5")?.timeIntervalSince1970 == 1_796_437_465.5)
    }
}
