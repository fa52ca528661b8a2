import Agent
import Foundation
import Logging
import Testing
import ThreeDPProtocol

/// The advertisement's supervisor where avahi cannot help: each problem is logged once, however often the
/// supervisor tries again, and it stops when asked.
@Suite(.serialized, .timeLimit(.minutes(1)))
struct LANPublicationTests {
    static let advertisement = LANAdvertisement(name: "Bench", port: 8631, systemID: "abc", tls: false, fingerprint: nil)

    @Test func withoutAvahiUtilsItSaysSoOnce() async throws {
        let logs = LineRecord()
        let publication = LANPublication(logger: Self.logger(logs), environment: ["PATH": "/nonexistent"],
                                         retryInterval: .milliseconds(20))
        let run = Task { await publication.run() }
        publication.advertise(Self.advertisement)
        var changed = Self.advertisement
        changed.port = 8632
        publication.advertise(changed)
        let missing = "avahi-publish-service is not installed (Debian: apt-get install avahi-utils avahi-daemon): the agent is not advertised on the LAN"
        #expect(await logs.line(within: .seconds(10), where: { $0 == "warning " + missing }) != nil, "\(logs.all)")
        publication.stop()
        await run.value
        #expect(logs.all.filter { $0.contains("not installed") }.count == 1, "\(logs.all)")
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/avahi-publish-service"), "needs avahi-utils"))
    func withoutDBusItSaysSoOnceAndKeepsTrying() async throws {
        let logs = LineRecord()
        let publication = LANPublication(logger: Self.logger(logs),
                                         environment: ["DBUS_SYSTEM_BUS_ADDRESS": "unix:path=/nonexistent/system_bus_socket"],
                                         retryInterval: .milliseconds(20))
        let run = Task { await publication.run() }
        publication.advertise(Self.advertisement)
        // Every attempt's own words are logged at debug level: three of them are three attempts.
        let attempts = await logs.lines(atLeast: 3, within: .seconds(20)) { $0.hasPrefix("debug avahi-publish-service: Failed to create client object") }
        #expect(attempts.count >= 3, "\(logs.all)")
        publication.stop()
        await run.value
        let warnings = logs.all.filter { $0.hasPrefix("warning ") }
        #expect(warnings == ["warning avahi-publish-service ended with status 1: Failed to create client object: Daemon not running; the agent is not advertised on the LAN, trying again every 0.02 seconds"],
                "\(logs.all)")
    }

    static func logger(_ logs: LineRecord) -> Logger {
        var logger = Logger(label: "lan") { _ in RecordingLogHandler(logs: logs) }
        logger.logLevel = .debug
        return logger
    }
}

/// "level message" for every log message, into a `LineRecord`.
struct RecordingLogHandler: LogHandler {
    let logs: LineRecord
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        logs.append("\(event.level) \(event.message)")
    }
}
