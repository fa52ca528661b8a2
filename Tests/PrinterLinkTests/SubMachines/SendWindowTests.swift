import Testing
@testable import PrinterLink

@Suite struct SendWindowTests {
    let now = ContinuousClock.now

    func line(_ number: Int?, bytes: Int = 20, long: Bool = false, barrier: Bool = false) -> Transmission {
        Transmission(number: number, byteCount: bytes, purpose: .poll, isLong: long, isBarrier: barrier, sentAt: now)
    }

    @Test func linesAndBytesBoundTheWindow() {
        var window = SendWindow(settings: LinkSettings())
        for number in 0..<3 { window.track(line(number)) }
        #expect(window.allows(20))
        #expect(!window.allows(70)) // 60 + 70 > 127 bytes of receive buffer
        window.track(line(3))
        #expect(!window.allows(1)) // BUFSIZE 4
        #expect(window.popFirst()?.number == 0)
        #expect(window.allows(20))
    }

    @Test func anEmptyWindowTakesAnyLineAndNothingFollowsABarrier() {
        var window = SendWindow(settings: LinkSettings())
        #expect(window.allows(500))
        window.track(line(0, barrier: true))
        #expect(!window.allows(1))
        _ = window.popFirst()
        #expect(window.barriers == 0 && window.bytes == 0)
    }

    @Test func droppingFromALineKeepsTheOnesBefore() {
        var window = SendWindow(settings: LinkSettings())
        for number in 5..<9 { window.track(line(number, long: number == 7)) }
        #expect(window.count(after: 6) == 2)
        window.drop(from: 6)
        #expect(window.count == 1 && window.first?.number == 5)
        #expect(window.bytes == 20 && window.longCommands == 0)
    }

    @Test func abandonedLinesKeepTheirPlaceButNotTheirRoom() {
        var window = SendWindow(settings: LinkSettings())
        for number in 0..<4 { window.track(line(number, barrier: number == 3)) }
        window.abandonAll()
        #expect(window.count == 4 && window.abandoned == 4)
        #expect(window.bytes == 0 && window.barriers == 0)
        #expect(window.allows(20))
        _ = window.popFirst()
        #expect(window.abandoned == 3)
    }

    @Test func advancedOkRaisesTheWindowToBufsize() {
        var window = SendWindow(settings: LinkSettings())
        for _ in 0..<19 { window.learn(bufferFree: 15) }
        #expect(window.limit == 4)
        window.learn(bufferFree: 15)
        #expect(window.bufferSize.size == 16)
        #expect(window.limit == 16)
        // One garbled B of 60 is not 5% of what was said.
        window.learn(bufferFree: 60)
        for _ in 0..<7 { window.learn(bufferFree: 14) }
        #expect(window.bufferSize.size == 16)
    }

    @Test func fallingBackHappensOnceAndSticksUntilANewConnection() {
        var window = SendWindow(settings: LinkSettings())
        do { let result = window.fallBack(); #expect(result) }
        #expect(window.limit == 1)
        do { let result = window.fallBack(); #expect(!result) }
        for _ in 0..<24 { window.learn(bufferFree: 15) }
        #expect(window.limit == 1)
        window.reset()
        #expect(window.limit == 4 && !window.fellBack)
    }

    @Test func executedLinesFollowFromNAndB() {
        var estimate = BufferSizeEstimate()
        #expect(estimate.executedThrough(lastReceived: 40, bufferFree: 3) == nil)
        for _ in 0..<20 { _ = estimate.note(bufferFree: 3) }
        #expect(estimate.size == 4)
        // BUFSIZE 4, B 1: two lines after the acknowledged one wait in the queue.
        #expect(estimate.executedThrough(lastReceived: 40, bufferFree: 1) == 38)
        #expect(estimate.executedThrough(lastReceived: 40, bufferFree: 3) == 40)
    }
}
