import Endpoint
import Testing

@Suite("Pairing code")
struct PairingCodeTests {
    @Test(arguments: [
        (value: UInt32(0), digits: "000000"),
        (42, "000042"),
        (100_000, "100000"),
        (999_999, "999999"),
    ])
    func zeroPadded(value: UInt32, digits: String) {
        #expect(PairingCode(value: value).digits == digits)
    }

    @Test(arguments: [
        (draw: UInt32(0), digits: "000000"),
        (1_000_000, "000000"),
        (1_234_567, "234567"),
        (4_293_999_999, "999999"),
    ])
    func drawsBelowTheRejectionThresholdAreReduced(draw: UInt32, digits: String) throws {
        #expect(try PairingCode.draw(from: ScriptedRandom(words: [draw])).digits == digits)
    }

    @Test func bytesAreReadBigEndian() throws {
        // 0x00 0x01 0x86 0xA0 = 100 000.
        #expect(try PairingCode.draw(from: ScriptedRandom(bytes: [0x00, 0x01, 0x86, 0xA0])).digits == "100000")
    }

    @Test func aGeneratorStuckAboveTheThresholdIsAFailure() {
        let stuck = ScriptedRandom(words: Array(repeating: UInt32.max, count: 100))
        #expect(throws: RandomnessUnavailable.self) { try PairingCode.draw(from: stuck) }
    }

    @Test func aShortDrawIsAFailure() {
        #expect(throws: RandomnessUnavailable.self) { try PairingCode.draw(from: ScriptedRandom(bytes: [1, 2, 3])) }
    }

    @Test func interpolationDoesNotRevealTheCode() {
        let code = PairingCode(value: 123_456)
        #expect(!"\(code)".contains("123456"))
        #expect(PairingAction.display(code).displayLine == "M117 Pairing code 123456")
    }
}
