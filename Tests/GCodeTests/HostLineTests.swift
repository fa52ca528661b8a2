import Testing
@testable import GCode

@Suite struct HostLineTests {
    @Test(arguments: [
        // Checksums as Marlin computes them (XOR of every byte before '*').
        (1, "G28", "N1 G28*18\n"),
        (0, "M110 N0", "N0 M110 N0*125\n"),
        (123, "G1 X10.5 Y20", "N123 G1 X10.5 Y20*49\n"),
    ])
    func formatsNumberedLines(number: Int, command: String, expected: String) {
        let bytes = HostLine.format(number: number, command: command)
        #expect(String(decoding: bytes, as: UTF8.self) == expected)
        let back = ReceivedHostLine.parse(bytes.dropLast())
        #expect(back.number == number)
        #expect(back.commandText == command)
        #expect(back.problem == nil)
    }

    @Test func checksumIsXorOfEveryByteBeforeStar() {
        let text = Array("N7 M105".utf8)
        var expected: UInt8 = 0
        for byte in text { expected ^= byte }
        #expect(HostLine.checksum(text) == expected)
    }

    @Test func detectsCorruptedLines() {
        #expect(ReceivedHostLine.parse(Array("N1 G28*19".utf8)).problem == .checksumMismatch)
        #expect(ReceivedHostLine.parse(Array("N1 G28".utf8)).problem == .missingChecksum)
        #expect(ReceivedHostLine.parse(Array("G28*77".utf8)).problem == .missingLineNumber)
        let plain = ReceivedHostLine.parse(Array("M105".utf8))
        #expect(plain.problem == nil && plain.number == nil && plain.commandText == "M105")
    }

    @Test func overheadCoversPrefixAndChecksum() {
        let line = HostLine.format(number: 12345, command: Array("G1".utf8))
        #expect(line.count <= 2 + HostLine.overhead(forLineNumber: 12345))
    }
}
