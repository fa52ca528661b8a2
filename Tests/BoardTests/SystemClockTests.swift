@testable import CivilTime
import Foundation
import Testing
@testable import Board

@Suite("ISO-8601 timestamps with UTC offset")
struct SystemTimestampTests {
    // 2026-11-21T08:00:00Z
    private static let morning: Int64 = 1_795_248_000

    @Test(arguments: [
        (morning, UTCOffset.known(seconds: 3600), "2026-11-21T09:00:00+0100"),
        (morning, .known(seconds: 0), "2026-11-21T08:00:00+0000"),
        (morning, .unknown, "2026-11-21T08:00:00-0000"),
        (morning, .known(seconds: -5 * 3600), "2026-11-21T03:00:00-0500"),
        (morning, .known(seconds: 5 * 3600 + 1800), "2026-11-21T13:30:00+0530"),
        (morning, .known(seconds: 12 * 3600 + 45 * 60), "2026-11-21T20:45:00+1245"),
        (morning, .known(seconds: -(9 * 3600 + 30 * 60)), "2026-11-20T22:30:00-0930"),
        (morning + 16 * 3600, .known(seconds: 14 * 3600), "2026-11-22T14:00:00+1400"),
        (0, .known(seconds: 0), "1970-01-01T00:00:00+0000"),
        (-1, .known(seconds: 0), "1969-12-31T23:59:59+0000"),
        (951_782_400, .unknown, "2000-02-29T00:00:00-0000"),
        (4_107_542_399, .known(seconds: 0), "2100-02-28T23:59:59+0000"),
        (4_107_542_400, .known(seconds: 0), "2100-03-01T00:00:00+0000"),
        (2_147_483_648, .known(seconds: 0), "2038-01-19T03:14:08+0000"),
        (-62_135_596_800, .known(seconds: 0), "0001-01-01T00:00:00+0000"),
        (253_402_300_799, .known(seconds: 0), "9999-12-31T23:59:59+0000"),
    ] as [(Int64, UTCOffset, String)])
    func formatsSecondsAndOffset(seconds: Int64, offset: UTCOffset, expected: String) {
        #expect(ISO8601Timestamp.format(secondsSinceEpoch: seconds, offset: offset) == expected)
    }

    @Test func agreesWithTheCLibraryOnEveryDayOfFourCenturies() {
        // One sample per day from 1900 to 2300 (leap centuries 2000 included), against gmtime_r.
        var seconds: Int64 = -2_208_988_800 + 12_345
        while seconds < 10_413_792_000 {
            var time = time_t(seconds)
            var fields = tm()
            gmtime_r(&time, &fields)
            let expected = String(
                format: "%04d-%02d-%02dT%02d:%02d:%02d+0000", Int(fields.tm_year) + 1900, Int(fields.tm_mon) + 1,
                Int(fields.tm_mday), Int(fields.tm_hour), Int(fields.tm_min), Int(fields.tm_sec))
            let formatted = ISO8601Timestamp.format(secondsSinceEpoch: seconds, offset: .known(seconds: 0))
            if formatted != expected {
                Issue.record("\(seconds): \(formatted) ≠ \(expected)")
                return
            }
            seconds += 3 * 86_400 + 7
        }
    }

    @Test(arguments: [
        (0, "2026-11-21T09:00:00+0100"),
        (3, "2026-11-21T09:00:00.987+0100"),
        (6, "2026-11-21T09:00:00.987654+0100"),
        (9, "2026-11-21T09:00:00.987654321+0100"),
        (12, "2026-11-21T09:00:00.987654321+0100"),
    ] as [(Int, String)])
    func truncatesFractionsToTheDigitsAsked(digits: Int, expected: String) {
        let formatted = ISO8601Timestamp.format(
            secondsSinceEpoch: Self.morning, nanoseconds: 987_654_321, offset: .known(seconds: 3600),
            fractionalDigits: digits)
        #expect(formatted == expected)
    }

    @Test func formatsDatesBeforeTheEpochWithTheirFraction() {
        let date = Date(timeIntervalSince1970: -0.25)
        #expect(ISO8601Timestamp.format(date, offset: .unknown, fractionalDigits: 3) == "1969-12-31T23:59:59.750-0000")
    }

    @Test func formatsAFoundationDate() {
        let date = Date(timeIntervalSince1970: TimeInterval(Self.morning) + 0.5)
        #expect(ISO8601Timestamp.format(date, offset: .known(seconds: 3600)) == "2026-11-21T09:00:00+0100")
        #expect(ISO8601Timestamp.format(date, offset: .known(seconds: 3600), fractionalDigits: 1) == "2026-11-21T09:00:00.5+0100")
    }

    @Test func truncatesSecondsOfLocalMeanTimeOffsetsSoTheClockAgreesWithTheDesignator() {
        // Amsterdam's mean time until 1937 was +00:19:32.
        let offset = UTCOffset.known(seconds: 19 * 60 + 32)
        #expect(offset.designator == "+0019")
        #expect(ISO8601Timestamp.format(secondsSinceEpoch: 0, offset: offset) == "1970-01-01T00:19:00+0019")
        #expect(UTCOffset.known(seconds: -(19 * 60 + 32)).designator == "-0019")
    }
}

@Suite("UTC offset designators")
struct SystemUTCOffsetTests {
    @Test(arguments: [
        ("+01:00", UTCOffset.known(seconds: 3600)),
        ("+0100", .known(seconds: 3600)),
        ("+01", .known(seconds: 3600)),
        ("-05:30", .known(seconds: -19_800)),
        ("Z", .known(seconds: 0)),
        ("+00:00", .known(seconds: 0)),
        ("-0000", .unknown),
        ("-00:00", .unknown),
    ] as [(String, UTCOffset)])
    func parses(text: String, expected: UTCOffset) {
        #expect(UTCOffset(designator: text) == expected)
    }

    @Test(arguments: ["", "01:00", "+1:00", "+01:0", "+24:00", "+01:60", "z", "+01:00:00", "UTC", "+0a00"])
    func refusesWhatIsNotADesignator(text: String) {
        #expect(UTCOffset(designator: text) == nil)
    }

    @Test(arguments: [UTCOffset.known(seconds: 3600), .known(seconds: -34_200), .known(seconds: 0), .unknown])
    func roundTripsThroughJSONAsItsDesignator(offset: UTCOffset) throws {
        let data = try JSONEncoder().encode([offset])
        #expect(String(decoding: data, as: UTF8.self) == "[\"\(offset.designator)\"]")
        #expect(try JSONDecoder().decode([UTCOffset].self, from: data) == [offset])
    }

    @Test func refusesToDecodeANonDesignator() {
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode([UTCOffset].self, from: Data("[\"CET\"]".utf8))
        }
    }
}

@Suite("Clock synchronisation and zone")
struct SystemClockStatusTests {
    @Test(arguments: [
        // (adjtimex return, status, synchronised): a disciplined clock, a pending leap second, the
        // state a board boots into (STA_UNSYNC, TIME_ERROR), a daemon that has just set STA_UNSYNC
        // while the state still says OK, and STA_PLL|STA_NANO without STA_UNSYNC.
        (Int32(0), Int32(0x2001), true),
        (1, 0x0011, true),
        (5, 0x0040, false),
        (0, 0x0041, false),
        (5, 0x2001, false),
        (0, 0x2001 | 0x0004, true),
    ] as [(Int32, Int32, Bool)])
    func interpretsAdjtimex(state: Int32, status: Int32, synchronised: Bool) {
        let sync = ClockSynchronisation(
            kernelClockState: state, status: status, maxErrorMicroseconds: 16_000_000, estimatedErrorMicroseconds: 0)
        #expect(sync.isSynchronised == synchronised)
        #expect(sync.kernelClockState == state)
    }

    @Test(arguments: [
        (String?.none, false, false),
        (nil, true, true),
        ("Europe/Amsterdam", false, true),
        ("", false, true),
        ("UTC0", true, true),
    ] as [(String?, Bool, Bool)])
    func decidesWhetherTheZoneIsKnown(tz: String?, localtimeExists: Bool, known: Bool) {
        #expect(LocalTimeZone.isKnown(tzVariable: tz, localtimeExists: localtimeExists) == known)
    }

    @Test func readsTheKernelClockOnThisMachine() throws {
        let sync = try ClockSynchronisation.read()
        #expect((0...5).contains(sync.kernelClockState))
        #expect(sync.maxErrorMicroseconds >= 0)
        #expect(sync.estimatedErrorMicroseconds >= 0)
        // The kernel's own rule: a clock whose maximum error passed 16 s is unsynchronised.
        if sync.maxErrorMicroseconds >= 16_000_000 { #expect(!sync.isSynchronised) }
    }

    /// Invariants the kernel keeps, which a misread struct timex would break: status holds only
    /// STA_* bits (up to STA_CLK 0x8000), STA_UNSYNC forces the TIME_ERROR return, and the maximum
    /// error is clamped at NTP_PHASE_LIMIT (16 s) every second.
    @Test func readsTheKernelsTimexAtTheOffsetsTheLayoutSays() throws {
        let reading = try KernelClock.read()
        #expect(reading.status & ~0xFFFF == 0)
        if reading.status & 0x0040 != 0 { #expect(reading.clockState == 5) }
        #expect((0...16_000_000).contains(reading.maxErrorMicroseconds))
    }

    @Test func readsTheZoneOfThisMachineLikeTheCLibrary() throws {
        let now = Date()
        let offset = LocalTimeZone.offset(at: now)
        let tzSet = getenv("TZ") != nil
        let localtimeExists = FileManager.default.fileExists(atPath: "/etc/localtime")
        if tzSet || localtimeExists {
            var seconds = time_t(now.timeIntervalSince1970)
            var fields = tm()
            localtime_r(&seconds, &fields)
            #expect(offset == .known(seconds: Int(fields.tm_gmtoff)))
        } else {
            #expect(offset == .unknown)
        }
    }

    @Test(.enabled(if: getenv("TZ") == nil, "TZ is set in this environment"))
    func reportsAnUnknownZoneWhenTheRootHasNoLocaltimeAndTZIsUnset() throws {
        let root = try SystemFixtureTree(files: [:])
        defer { root.remove() }
        let offset = LocalTimeZone.offset(at: Date(), root: root.path)
        #expect(offset == .unknown)
        #expect(ISO8601Timestamp.format(Date(timeIntervalSince1970: 0), offset: offset) == "1970-01-01T00:00:00-0000")
    }

    @Test func readsTheWholeStatus() throws {
        let now = Date(timeIntervalSince1970: 1_795_248_000)
        let status = try ClockStatus.read(now: now)
        #expect(status.time == now)
        #expect(status.timestamp == ISO8601Timestamp.format(now, offset: status.utcOffset))
        #expect(status.timestamp.hasPrefix("2026-11-2"))
        let decoded = try JSONDecoder().decode(ClockStatus.self, from: JSONEncoder().encode(status))
        #expect(decoded == status)
    }
}
