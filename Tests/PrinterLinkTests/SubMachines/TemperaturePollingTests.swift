import Testing
@testable import PrinterLink

@Suite struct TemperaturePollingTests {
    let start = ContinuousClock.now

    @Test func aPollIsDueOncePerInterval() {
        var polling = TemperaturePolling(interval: .seconds(2), now: start)
        #expect(polling.deadline == start + .seconds(2))
        do { let result = polling.pollIsDue(now: start + .seconds(1), longCommandInFlight: false); #expect(!result) }
        do { let result = polling.pollIsDue(now: start + .seconds(2), longCommandInFlight: false); #expect(result) }
        do { let result = polling.pollIsDue(now: start + .seconds(2), longCommandInFlight: false); #expect(!result) }
        polling.polled(now: start + .seconds(3))
        #expect(polling.deadline == start + .seconds(5))
    }

    @Test func noPollBehindALongCommand() {
        var polling = TemperaturePolling(interval: .seconds(2), now: start)
        do { let result = polling.pollIsDue(now: start + .seconds(10), longCommandInFlight: true); #expect(!result) }
        do { let result = polling.pollIsDue(now: start + .seconds(10), longCommandInFlight: false); #expect(result) }
    }

    @Test(arguments: [(Duration.seconds(2), "M155 S2"), (.milliseconds(2600), "M155 S3"), (.milliseconds(200), "M155 S1")])
    func anAutoreportingFirmwareIsAskedOnceAndNeverPolled(interval: Duration, command: String) {
        var polling = TemperaturePolling(interval: interval, now: start)
        do { let result = polling.startAutoreport(); #expect(String(decoding: result, as: UTF8.self) == command) }
        #expect(polling.deadline == nil)
        do { let result = polling.pollIsDue(now: start + .seconds(100), longCommandInFlight: false); #expect(!result) }
    }
}
