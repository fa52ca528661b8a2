import GCode
import Testing
@testable import VirtualPrinter

@Suite("Marlin's reception of host lines")
struct LineHandlingTests {
    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    /// A numbered line as a host sends it, without the newline.
    static func numbered(_ number: Int, _ command: String) -> [UInt8] {
        Array(HostLine.format(number: number, command: command).dropLast())
    }

    @Test("line checks in Marlin's order", arguments: [
        (numbered(6, "G1 X1"), 5, LineVerdict.accepted(number: 6)),
        (numbered(7, "G1 X1"), 5, .rejected(.lineNumber)),
        (numbered(5, "G1 X1"), 5, .rejected(.lineNumber)),
        (bytes("N6 G1 X1*0"), 5, .rejected(.checksumMismatch)),
        // A wrong number wins over a wrong checksum, as in Marlin.
        (bytes("N9 G1 X1*0"), 5, .rejected(.lineNumber)),
        (bytes("N6 G1 X1"), 5, .rejected(.missingChecksum)),
        (bytes("N6 G1 X1*"), 5, .rejected(.checksumMismatch)),
        // strtol: a damaged number with no digits reads as 0.
        (bytes("N= G1 X1*12"), 5, .rejected(.lineNumber)),
        // Unnumbered lines pass unchecked, with or without a checksum.
        (bytes("G1 X1"), 5, .accepted(number: nil)),
        (bytes("G1 X1*99"), 5, .accepted(number: nil)),
        (bytes("  M105"), 5, .accepted(number: nil)),
        // M110 takes its number from the N after the command and skips the sequence check.
        (numbered(0, "M110 N0"), 41, .accepted(number: 0)),
        (numbered(3, "M110 N100"), 41, .accepted(number: 100)),
        (bytes("N3 M110 N100*0"), 41, .rejected(.checksumMismatch)),
    ])
    func verdicts(line: [UInt8], last: Int, expected: LineVerdict) {
        #expect(LineCheck.verdict(for: line, lastNumber: last) == expected)
    }

    @Test("strtol reads like C", arguments: [
        ("123", 123), ("  42x", 42), ("-7", -7), ("+8", 8), ("x", 0), ("", 0), ("99999999999999999999999", Int.max),
    ])
    func strtol(text: String, value: Int) {
        #expect(LineCheck.strtol(Array(text.utf8), from: 0) == value)
    }

    @Test("line assembly: endings, comments, escapes, backspace, overflow")
    func assembly() {
        func lines(_ stream: String) -> [String] {
            var assembler = LineAssembler()
            var result: [String] = []
            for byte in stream.utf8 where assembler.feed(byte) {
                result.append(String(decoding: assembler.line, as: UTF8.self))
                assembler.clear()
            }
            return result
        }
        #expect(lines("G28\r\nM105\n\n\nG1 X1\r") == ["G28", "M105", "G1 X1"])
        #expect(lines("G1 X1 ; move\n; only a comment\nM105\n") == ["G1 X1 ", "M105"])
        #expect(lines("M117 a\\;b\n") == ["M117 a;b"])
        #expect(lines("G2\u{8}1\n") == ["G1"])
        let long = String(repeating: "X", count: 200)
        #expect(lines(long + "\nM105\n") == [String(repeating: "X", count: 95), "M105"])
        #expect(lines("partial") == [])
    }

    @Test("parsed commands: N prefix, letter, code, text to the first star, parameters")
    func parsedCommands() {
        let line = ParsedCommand(line: Self.numbered(12, "G1 X10.5 Y-3 E.25 F3000"))
        #expect(line.letter == UInt8(ascii: "G"))
        #expect(line.code == 1)
        #expect(line.text == "G1 X10.5 Y-3 E.25 F3000")
        #expect(line.value("X") == 10.5)
        #expect(line.value("Y") == -3)
        #expect(line.value("E") == 0.25)
        #expect(line.value("F") == 3000)
        #expect(line.value("Z") == nil)

        let message = ParsedCommand(line: Self.numbered(3, "M117 Pairing code 4711 "))
        #expect(message.code == 117)
        #expect(message.stringArgument == "Pairing code 4711")
        #expect(ParsedCommand(line: Self.bytes("g28 x")).letter == UInt8(ascii: "G"))
        #expect(ParsedCommand(line: Self.bytes("G29.1 P1")).code == 29)
        #expect(ParsedCommand(line: Self.bytes("X1 Y2")).letter == nil)
        #expect(ParsedCommand(line: Self.bytes("G")).letter == nil)
        #expect(ParsedCommand(line: Self.bytes("N5 G999 *12")).text == "G999")
    }

    @Test("the emergency parser matches M108, M112, M410, M876 at the end of their line")
    func emergencyParser() {
        func commands(_ stream: String) -> [EmergencyParser.Command] {
            var parser = EmergencyParser()
            return stream.utf8.compactMap { parser.consume($0) }
        }
        #expect(commands("M112\n") == [.kill])
        #expect(commands("N15 M112*12\n") == [.kill])
        #expect(commands("M108\r\nM410\nM876 S1\n") == [.cancelWait, .quickStop, .promptResponse(1)])
        #expect(commands("M1120\n") == [.kill]) // Marlin's matcher ignores what follows the number, too
        #expect(commands("M11\nG1 X1 M112\nM104 S200\nM876\n") == [])
        #expect(commands("M112") == [])
    }

    @Test("SplitMix64 is the published sequence and replays from its seed")
    func splitMix() {
        var generator = SplitMix64(seed: 1_234_567)
        // Reference values of SplitMix64 for seed 1234567.
        #expect(generator.next() == 6_457_827_717_110_365_317)
        #expect(generator.next() == 3_203_168_211_198_807_973)
        var first = SplitMix64(seed: 9), second = SplitMix64(seed: 9)
        #expect((0..<100).map { _ in first.next() } == (0..<100).map { _ in second.next() })
        var unit = SplitMix64(seed: 3)
        #expect((0..<1000).allSatisfy { _ in (0..<1).contains(unit.nextUnit()) })
    }

    @Test("injected faults hit the rate, never a line ending, never a leading N", arguments: [0.02, 0.1, 0.5])
    func faultInjection(rate: Double) {
        var injector = LineFaultInjector(rate: rate, seed: 42)
        let lines = 20_000
        var faults = 0
        for number in 0..<lines {
            let original = Self.numbered(number, "G1 X\(number % 200).5 Y3")
            var line = original
            let eligible = LineFaultInjector.eligibleRange(ofHostLine: line)
            guard let fault = injector.corrupt(&line, eligible: eligible) else {
                #expect(line == original)
                continue
            }
            faults += 1
            #expect(line.first == UInt8(ascii: "N"))
            #expect(!line.contains(UInt8(ascii: "\n")) && !line.contains(UInt8(ascii: "\r")))
            switch fault {
            case .droppedByte(let offset):
                #expect(line.count == original.count - 1 && offset >= 1)
            case .bitFlip(let offset, let mask):
                #expect(line[offset] == original[offset] ^ mask && mask.nonzeroBitCount == 1)
            }
            // Every fault is caught, except one that only blurs a checksum of 0 into something strtol still reads
            // as 0 (as Marlin reads it), which leaves the command intact.
            if case .accepted = LineCheck.verdict(for: line, lastNumber: number - 1) {
                let star = UInt8(ascii: "*")
                #expect(line.split(separator: star).first == original.split(separator: star).first)
                #expect(original.split(separator: star).last == [UInt8(ascii: "0")])
            }
        }
        let expected = Double(lines) * rate
        let tolerance = 4 * (expected * (1 - rate)).squareRoot()
        #expect(abs(Double(faults) - expected) < tolerance)
    }

    @Test("reply numbers are formatted as Marlin prints them")
    func replyNumbers() {
        var bytes: [UInt8] = []
        bytes.appendFixed2(21.876)
        bytes.appendASCII(" ")
        bytes.appendFixed2(0)
        bytes.appendASCII(" ")
        bytes.appendFixed2(-5)
        bytes.appendASCII(" ")
        bytes.appendDecimal(1_234_567_890)
        bytes.appendASCII(" ")
        bytes.appendDecimal(-3)
        #expect(String(decoding: bytes, as: UTF8.self) == "21.88 0.00 -5.00 1234567890 -3")
    }

    @Test("the command digest is FNV-1a over the commands with newlines")
    func digest() {
        var digest = CommandDigest()
        digest.add("G28")
        digest.add("M105")
        var bytes = CommandDigest()
        bytes.add(Array("G28".utf8))
        bytes.add(Array("M105".utf8))
        #expect(digest == bytes)
        #expect(CommandDigest().value == 0xCBF2_9CE4_8422_2325)
        var swapped = CommandDigest()
        swapped.add("M105")
        swapped.add("G28")
        #expect(swapped != digest)
    }
}
