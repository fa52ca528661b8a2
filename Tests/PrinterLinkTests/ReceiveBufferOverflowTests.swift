import GCode
import Testing
@testable import PrinterLink

/// Marlin's RX_BUFFER_MONITOR prints `Error:RX BUF overflow, increase RX_BUFFER_SIZE: <n>` when its receive buffer
/// is full (`Marlin/src/gcode/queue.cpp`): bytes may have been lost. A line that lost bytes fails its checksum and
/// brings its own `Resend:`; the overflow itself is reported, and neither halts the printer nor fails the job.
@Suite struct ReceiveBufferOverflowTests {
    static let overflow = "Error:RX BUF overflow, increase RX_BUFFER_SIZE: 127"

    @Test func anOverflowWhileIdleIsReportedAndTheLinkCarriesOn() {
        var t = Transcript()
        t.connect()
        t.firmware(Self.overflow)
        #expect(t.machine.state == .ready)
        #expect(t.takeEvents().contains { event in
            if case .firmwareError(.receiveBufferOverflow(bytesWaiting: 127)) = event { return true }
            return false
        })
    }

    @Test func theDamagedLinesResendIsHandledLikeAnyOtherAndEveryLineGoesOutOnce() {
        var (t, next) = ResendTests.printing()
        t.firmware(Self.overflow)
        #expect(t.machine.state == .printing)
        t.firmware("Error:checksum mismatch, Last Line: 3", "Resend: 4", "ok")
        for _ in 0..<3 {
            t.firmware("Error:Line Number is not Last Line Number+1, Last Line: 3", "Resend: 4", "ok")
        }
        // Within a round trip: lines sent before a repetition may have been in the buffer its flush emptied, and
        // go out again when their oks do not come back in time (NoisyResendTests).
        t.advance(seconds: 0.01)
        #expect(t.takeNumbers() == [4, 5, 6, 7])
        for _ in 0..<4 { t.firmware("ok"); t.feed(StreamingTests.job, from: &next) }
        #expect(t.takeNumbers() == [8, 9, 10, 11])
        #expect(t.machine.jobProgress?.confirmedCommands == 5)
        #expect(t.machine.state == .printing)
    }
}
