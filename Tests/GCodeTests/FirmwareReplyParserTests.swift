import Testing
@testable import GCode

/// The parser against the reply tables: every line from the firmware sources (Marlin 2.1, Prusa-Firmware 3.x and
/// Buddy, RepRapFirmware 3.x), users' transcripts and edge cases, each tagged with where it comes from.
@Suite struct FirmwareReplyParserTests {
    @Test(arguments: MarlinReplyTable.all)
    func marlin(_ reply: ReplyCase) {
        #expect(FirmwareReply.parse(Array(reply.line.utf8)) == reply.expected)
    }

    @Test(arguments: PrusaReplyTable.all)
    func prusa(_ reply: ReplyCase) {
        #expect(FirmwareReply.parse(Array(reply.line.utf8)) == reply.expected)
    }

    @Test(arguments: RepRapReplyTable.all)
    func repRapFirmware(_ reply: ReplyCase) {
        #expect(FirmwareReply.parse(Array(reply.line.utf8)) == reply.expected)
    }

    @Test(arguments: EdgeCaseReplyTable.all)
    func transcriptsAndEdgeCases(_ reply: ReplyCase) {
        #expect(FirmwareReply.parse(Array(reply.line.utf8)) == reply.expected)
    }

    /// Bytes lost to a full receive buffer are no line error (the damaged line brings its own `Resend:`) and no halt.
    @Test func aReceiveBufferOverflowIsNeitherFatalNorALineError() throws {
        let reply = FirmwareReply.parse(Array("Error:RX BUF overflow, increase RX_BUFFER_SIZE: 127".utf8))
        guard case .error(let error) = reply else {
            Issue.record("expected an error, got \(reply)")
            return
        }
        #expect(!error.isFatal)
        #expect(error == .receiveBufferOverflow(bytesWaiting: 127))
    }

    @Test func thePrintAreaGivesTheWorkAreaAsLimits() {
        let line = "area:{full:{min:{x:-5.00,y:-8.00,z:0.00},max:{x:240.00,y:235.00,z:250.00}},work:{min:{x:0.00,y:0.00,z:0.00},max:{x:235.00,y:235.00,z:250.00}}}"
        guard case .printArea(let area) = FirmwareReply.parse(Array(line.utf8)) else {
            Issue.record("expected a print area")
            return
        }
        #expect(area.workLimits == SoftEndstops(enabled: nil, min: .init(x: 0, y: 0, z: 0), max: .init(x: 235, y: 235, z: 250)))
    }

    /// Machines with more than three axes (NUM_AXES > 3) add `i:`, `j:`… to each corner; they do not hide x, y, z.
    @Test func extraAxesInThePrintAreaAreSkipped() {
        let line = "area:{full:{min:{x:0.00,y:0.00,z:0.00,i:0.00},max:{x:300.00,y:300.00,z:400.00,i:360.00}},work:{min:{x:0.00,y:0.00,z:0.00,i:0.00},max:{x:300.00,y:300.00,z:400.00,i:360.00}}}"
        guard case .printArea(let area) = FirmwareReply.parse(Array(line.utf8)) else {
            Issue.record("expected a print area")
            return
        }
        #expect(area.work.max == Millimetres3(x: 300, y: 300, z: 400))
    }

    @Test func acceptsEveryContiguousAndNonContiguousCollection() {
        let text = "ok N5 P3 B1"
        let expected = FirmwareReply.ok(Acknowledgement(lineNumber: 5, plannerFree: 3, bufferFree: 1))
        let bytes = Array(text.utf8)
        #expect(FirmwareReply.parse(bytes) == expected)
        #expect(FirmwareReply.parse(("xx" + text).utf8.dropFirst(2)) == expected)
        #expect(FirmwareReply.parse(ArraySlice(bytes)) == expected)
        #expect(FirmwareReply.parse(bytes.lazy.map { $0 }) == expected)
    }

    @Test func firmwareInfoAccessors() {
        let reply = FirmwareReply.parse(Array(MarlinReplyTable.identity[0].line.utf8))
        guard case .firmwareInfo(let info) = reply else {
            Issue.record("expected firmware info, got \(reply)")
            return
        }
        #expect(info.firmwareName == "Marlin bugfix-2.1.x (Dec  4 2026 12:00:00)")
        #expect(info.machineType == "3D Printer")
        #expect(info.extruderCount == 1)
        #expect(info.protocolVersion == "1.0")
    }

    @Test func heaterFaultsAreFatal() {
        let reply = FirmwareReply.parse(Array("Error:Thermal Runaway, system stopped! Heater_ID: 0".utf8))
        guard case .error(let error) = reply else {
            Issue.record("expected an error, got \(reply)")
            return
        }
        #expect(error.isFatal)
        guard case .error(let resendError) = FirmwareReply.parse(Array("Error:checksum mismatch, Last Line: 3".utf8)) else {
            Issue.record("expected an error")
            return
        }
        #expect(!resendError.isFatal)
    }

    @Test func nonUTF8BytesBecomeConsoleText() {
        let bytes: [UInt8] = [0xFF, 0xFE, 0x41, 0xC3]
        guard case .console(let text) = FirmwareReply.parse(bytes) else {
            Issue.record("expected console text")
            return
        }
        #expect(text.contains("A"))
        // Line noise at connect time (NUL bytes) around an ok still reads as ok.
        #expect(FirmwareReply.parse([0x00, 0x6F, 0x6B, 0x0D]) == .ok(.plain))
    }

    /// Random bytes, and random mutations of real lines, must classify without a crash, the same way
    /// whatever padding surrounds them.
    @Test func randomBytesNeverCrash() {
        var generator = SplitMix64(seed: 0x3D9_A6E7)
        let alphabet = Array("okTBECW:/ .-0123456789@!Error:echo:busy:Resend:rs N/action:Cap:FIRMWARE_NAME:\"\r\t".utf8)
        let seeds = MarlinReplyTable.all + PrusaReplyTable.all + RepRapReplyTable.all + EdgeCaseReplyTable.all
        var consistent = 0
        for round in 0..<20_000 {
            var bytes: [UInt8]
            let length = Int(generator.next() % 120)
            switch round % 3 {
            case 0:
                bytes = (0..<length).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            case 1:
                bytes = (0..<length).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] }
            default:
                bytes = Array(seeds[Int(generator.next() % UInt64(seeds.count))].line.utf8)
                for _ in 0..<3 where !bytes.isEmpty {
                    let position = Int(generator.next() % UInt64(bytes.count))
                    bytes[position] = UInt8(truncatingIfNeeded: generator.next())
                }
                bytes = Array(bytes.prefix(Int(generator.next() % UInt64(bytes.count + 1))))
            }
            let reply = FirmwareReply.parse(bytes)
            // The line ending and padding never change the classification.
            if reply == FirmwareReply.parse([0x20] + bytes + [0x0D]) { consistent += 1 }
        }
        #expect(consistent == 20_000)
    }
}

/// A small seeded generator so that a failing random input can be reproduced.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite struct TemperatureConsoleTextTests {
    @Test(arguments: [
        ("ok T:209.87 /210.00 B:59.96 /60.00 @:127 B@:0", "T:209.9 /210.0 B:60.0 /60.0"),
        ("ok T0:200.0 /200.0 T1:25.0 /0.0 B:60.0 /60.0", "T0:200.0 /200.0 T1:25.0 /0.0 B:60.0 /60.0"),
    ])
    func writesTheReportAsMarlinDoes(line: String, expected: String) throws {
        guard case .ok(let acknowledgement) = FirmwareReply.parse(Array(line.utf8)[...]) else {
            Issue.record("\(line) is not an ok")
            return
        }
        #expect(try #require(acknowledgement.temperatures).consoleText == expected)
    }
}

@Suite struct BuildVolumeConsoleTextTests {
    @Test(arguments: [
        ("  Min:  X0.00 Y0.00 Z0.00   Max:  X200.00 Y200.00 Z200.00", "Min:  X0.0 Y0.0 Z0.0   Max:  X200.0 Y200.0 Z200.0"),
        ("echo:Soft endstops: OFF  Min:  X-2.00 Y-5.00 Z0.00   Max:  X235.00 Y235.00 Z250.00",
         "Soft endstops: OFF  Min:  X-2.0 Y-5.0 Z0.0   Max:  X235.0 Y235.0 Z250.0"),
    ])
    func m211ForTheConsole(line: String, expected: String) {
        guard case .softEndstops(let endstops) = FirmwareReply.parse(Array(line.utf8)) else {
            Issue.record("\(line) is no M211 report")
            return
        }
        #expect(endstops.consoleText == expected)
    }

    @Test func theAreaForTheConsole() {
        let line = "area:{full:{min:{x:-5.00,y:-8.00,z:0.00},max:{x:240.00,y:235.00,z:250.00}},work:{min:{x:0.00,y:0.00,z:0.00},max:{x:235.00,y:235.00,z:250.00}}}"
        guard case .printArea(let area) = FirmwareReply.parse(Array(line.utf8)) else {
            Issue.record("no print area")
            return
        }
        #expect(area.consoleText == "area: full X-5.0…240.0 Y-8.0…235.0 Z0.0…250.0, work X0.0…235.0 Y0.0…235.0 Z0.0…250.0")
    }
}
