import Testing
@testable import GCode

/// One reply line as a firmware sends it and what the parser must make of it.
struct ReplyCase: Sendable, CustomTestStringConvertible {
    var line: String
    var expected: FirmwareReply
    init(_ line: String, _ expected: FirmwareReply) {
        self.line = line
        self.expected = expected
    }
    var testDescription: String { line.debugDescription }
}

private typealias R = TemperatureReport.Reading

private func temps(_ hotends: [Int: R] = [:], bed: R? = nil, chamber: R? = nil, other: [String: R] = [:],
                   waiting: Bool = false, seconds: Int? = nil) -> TemperatureReport {
    TemperatureReport(hotends: hotends, bed: bed, chamber: chamber, other: other,
                      isWaiting: waiting, waitSecondsRemaining: seconds)
}

private func fault(_ kind: HeaterFault.Kind, _ heater: String?, _ message: String) -> FirmwareReply {
    .error(.heaterFault(HeaterFault(kind: kind, heater: heater, message: message)))
}

@Suite struct FirmwareReplyParserTests {
    static let acknowledgements: [ReplyCase] = [
        ReplyCase("ok", .ok(.plain)),
        ReplyCase("ok\r", .ok(.plain)),
        ReplyCase("  ok  ", .ok(.plain)),
        ReplyCase("ok N123 P15 B3", .ok(Acknowledgement(lineNumber: 123, plannerFree: 15, bufferFree: 3))),
        ReplyCase("ok N123 P15 B3 ", .ok(Acknowledgement(lineNumber: 123, plannerFree: 15, bufferFree: 3))),
        ReplyCase("ok N0 P0 B0\r", .ok(Acknowledgement(lineNumber: 0, plannerFree: 0, bufferFree: 0))),
        // M105 answered on the ok line (Marlin, Prusa).
        ReplyCase("ok T:210.0 /210.0 B:60.0 /60.0 @:127 B@:0",
                  .ok(Acknowledgement(temperatures: temps([0: R(actual: 210, target: 210)],
                                                          bed: R(actual: 60, target: 60))))),
        ReplyCase("ok T:20.3 /0.0 B:19.8 /0.0 T0:20.3 /0.0 @:0 B@:0 P:0.0 A:26.4",
                  .ok(Acknowledgement(temperatures: temps([0: R(actual: 20.3, target: 0)],
                                                          bed: R(actual: 19.8, target: 0),
                                                          other: ["P": R(actual: 0), "A": R(actual: 26.4)])))),
        // RepRapFirmware in Marlin emulation.
        ReplyCase("ok T:19.9 /0.0 B:20.1 /0.0",
                  .ok(Acknowledgement(temperatures: temps([0: R(actual: 19.9, target: 0)],
                                                          bed: R(actual: 20.1, target: 0))))),
        ReplyCase("ok T:0", .ok(Acknowledgement(temperatures: temps([0: R(actual: 0)])))),
        ReplyCase("okay", .console("okay")),
        ReplyCase("ok:", .console("ok:")),
    ]

    static let resends: [ReplyCase] = [
        ReplyCase("Resend: 12", .resend(line: 12)),
        ReplyCase("Resend:12", .resend(line: 12)),
        ReplyCase("Resend: 12\r", .resend(line: 12)),
        ReplyCase("rs N12", .resend(line: 12)),
        ReplyCase("rs 12", .resend(line: 12)),
        ReplyCase("Resend: N4711", .resend(line: 4711)),
        ReplyCase("Resend:", .console("Resend:")),
        ReplyCase("Resend: twelve", .console("Resend: twelve")),
    ]

    static let keepAlives: [ReplyCase] = [
        ReplyCase("echo:busy: processing", .busy(.processing)),
        ReplyCase("echo:busy: paused for user", .busy(.pausedForUser)),
        ReplyCase("echo:busy: paused for input", .busy(.pausedForInput)),
        ReplyCase("busy: processing", .busy(.processing)),
        ReplyCase("echo:busy: homing", .busy(.other("homing"))),
        ReplyCase("wait", .wait),
        ReplyCase("start", .start),
        ReplyCase("start\r", .start),
    ]

    static let temperatures: [ReplyCase] = [
        // Marlin single extruder (M155 autoreport).
        ReplyCase(" T:210.00 /210.00 B:60.00 /60.00 @:127 B@:0",
                  .temperature(temps([0: R(actual: 210, target: 210)], bed: R(actual: 60, target: 60)))),
        // Marlin multi-extruder: T0 wins over the lone T.
        ReplyCase("T:210.0 /210.0 B:60 /60 T0:210.0 /210.0 T1:200.0 /205.0 @:0 B@:0 @0:0 @1:0",
                  .temperature(temps([0: R(actual: 210, target: 210), 1: R(actual: 200, target: 205)],
                                     bed: R(actual: 60, target: 60)))),
        ReplyCase("T:215.0 /215.0 B:60 /60 T0:210.0 /210.0 T1:215.0 /215.0 @:0 B@:0",
                  .temperature(temps([0: R(actual: 210, target: 210), 1: R(actual: 215, target: 215)],
                                     bed: R(actual: 60, target: 60)))),
        // Chamber sensor and Marlin's debug ADC column.
        ReplyCase("T:22.50 /0.00 (3960.00) B:22.10 /0.00 (3966.00) C:24.0 /40.0 @:0 B@:0 C@:0",
                  .temperature(temps([0: R(actual: 22.5, target: 0)], bed: R(actual: 22.1, target: 0),
                                     chamber: R(actual: 24, target: 40)))),
        // While M109 waits.
        ReplyCase("T:195.4 E:0 W:?", .temperature(temps([0: R(actual: 195.4)], waiting: true))),
        ReplyCase("T:195.4 /210.0 B:60 /60 @:127 B@:0 W:3",
                  .temperature(temps([0: R(actual: 195.4, target: 210)], bed: R(actual: 60, target: 60),
                                     waiting: true, seconds: 3))),
        ReplyCase("T:205.2 E:0 W:4", .temperature(temps([0: R(actual: 205.2)], waiting: true, seconds: 4))),
        // The waited-for extruder is E:1: the lone T belongs to it.
        ReplyCase("T:180.1 E:1 W:?", .temperature(temps([1: R(actual: 180.1)], waiting: true))),
        // Prusa MK3S autoreport and its M190 progress line.
        ReplyCase("T:211.2 /215.0 B:60.1 /60.0 T0:211.2 /215.0 @:63 B@:0 P:38.4 A:33.2",
                  .temperature(temps([0: R(actual: 211.2, target: 215)], bed: R(actual: 60.1, target: 60),
                                     other: ["P": R(actual: 38.4), "A": R(actual: 33.2)]))),
        ReplyCase("T:211.2 E:0 B:59.9", .temperature(temps([0: R(actual: 211.2)], bed: R(actual: 59.9)))),
        // RepRapFirmware in Marlin mode; an open sensor reads -273.1.
        ReplyCase("T:19.9 /0.0 B:20.1 /0.0",
                  .temperature(temps([0: R(actual: 19.9, target: 0)], bed: R(actual: 20.1, target: 0)))),
        ReplyCase("T:-273.1 /0.0 B:20.1 /0.0",
                  .temperature(temps([0: R(actual: -273.1, target: 0)], bed: R(actual: 20.1, target: 0)))),
        ReplyCase("B:60.0 /60.0", .temperature(temps(bed: R(actual: 60, target: 60)))),
        ReplyCase("T0:25.0 /0.0 T1:24.0 /0.0",
                  .temperature(temps([0: R(actual: 25, target: 0), 1: R(actual: 24, target: 0)]))),
        // Redundant sensor (Marlin `R:`) goes to `other`.
        ReplyCase("T:200.0 /200.0 R:201.5 /200.0 B:60.0 /60.0",
                  .temperature(temps([0: R(actual: 200, target: 200)], bed: R(actual: 60, target: 60),
                                     other: ["R": R(actual: 201.5, target: 200)]))),
        // Position report and other label:value text are not temperatures.
        ReplyCase("X:0.00 Y:0.00 Z:0.00 E:0.00 Count X:0 Y:0 Z:0",
                  .console("X:0.00 Y:0.00 Z:0.00 E:0.00 Count X:0 Y:0 Z:0")),
        ReplyCase("X:10.00 Y:10.00 Z:0.30 E:0.00 Count A:800 B:800 Z:120",
                  .console("X:10.00 Y:10.00 Z:0.30 E:0.00 Count A:800 B:800 Z:120")),
        ReplyCase("T:abc", .console("T:abc")),
    ]

    static let firmwareInfo: [ReplyCase] = [
        ReplyCase("FIRMWARE_NAME:Marlin 2.1.2.1 (Sep 13 2023 15:43:22) SOURCE_CODE_URL:github.com/MarlinFirmware/Marlin PROTOCOL_VERSION:1.0 MACHINE_TYPE:Ender-3 V2 EXTRUDER_COUNT:1 UUID:cede2a2f-41a2-4748-9b12-c55c62f367ff",
                  .firmwareInfo(FirmwareInfo(fields: [
                      ("FIRMWARE_NAME", "Marlin 2.1.2.1 (Sep 13 2023 15:43:22)"),
                      ("SOURCE_CODE_URL", "github.com/MarlinFirmware/Marlin"),
                      ("PROTOCOL_VERSION", "1.0"),
                      ("MACHINE_TYPE", "Ender-3 V2"),
                      ("EXTRUDER_COUNT", "1"),
                      ("UUID", "cede2a2f-41a2-4748-9b12-c55c62f367ff"),
                  ]))),
        ReplyCase("FIRMWARE_NAME:Prusa-Firmware 3.13.2 based on Marlin FIRMWARE_URL:https://github.com/prusa3d/Prusa-Firmware PROTOCOL_VERSION:1.0 MACHINE_TYPE:Prusa i3 MK3S EXTRUDER_COUNT:1 UUID:00000000-0000-0000-0000-000000000000",
                  .firmwareInfo(FirmwareInfo(fields: [
                      ("FIRMWARE_NAME", "Prusa-Firmware 3.13.2 based on Marlin"),
                      ("FIRMWARE_URL", "https://github.com/prusa3d/Prusa-Firmware"),
                      ("PROTOCOL_VERSION", "1.0"),
                      ("MACHINE_TYPE", "Prusa i3 MK3S"),
                      ("EXTRUDER_COUNT", "1"),
                      ("UUID", "00000000-0000-0000-0000-000000000000"),
                  ]))),
        ReplyCase("FIRMWARE_NAME: RepRapFirmware for Duet 2 WiFi/Ethernet FIRMWARE_VERSION: 3.4.5 ELECTRONICS: Duet WiFi 1.02 or later FIRMWARE_DATE: 2022-11-30",
                  .firmwareInfo(FirmwareInfo(fields: [
                      ("FIRMWARE_NAME", "RepRapFirmware for Duet 2 WiFi/Ethernet"),
                      ("FIRMWARE_VERSION", "3.4.5"),
                      ("ELECTRONICS", "Duet WiFi 1.02 or later"),
                      ("FIRMWARE_DATE", "2022-11-30"),
                  ]))),
        ReplyCase("Cap:AUTOREPORT_TEMP:1", .capability(name: "AUTOREPORT_TEMP", enabled: true)),
        ReplyCase("Cap:EMERGENCY_PARSER:0", .capability(name: "EMERGENCY_PARSER", enabled: false)),
        ReplyCase("Cap:ADVANCED_OK:1\r", .capability(name: "ADVANCED_OK", enabled: true)),
        ReplyCase("Cap:BROKEN", .console("Cap:BROKEN")),
    ]

    static let actions: [ReplyCase] = [
        ReplyCase("//action:pause", .action(.pause)),
        ReplyCase("// action:cancel", .action(.cancel)),
        ReplyCase("//action:resume", .action(.resume)),
        ReplyCase("//action:paused", .action(.paused)),
        ReplyCase("//action:resumed", .action(.resumed)),
        ReplyCase("//action:disconnect", .action(.disconnect)),
        ReplyCase("//action:notification Heating...", .action(.notification("Heating..."))),
        ReplyCase("//action:prompt_begin Filament runout", .action(.promptBegin("Filament runout"))),
        ReplyCase("//action:prompt_choice Purge more", .action(.promptChoice("Purge more"))),
        ReplyCase("//action:prompt_button Continue", .action(.promptButton("Continue"))),
        ReplyCase("//action:prompt_show", .action(.promptShow)),
        ReplyCase("//action:prompt_end", .action(.promptEnd)),
        ReplyCase("//action:out_of_filament T0", .action(.other("out_of_filament T0"))),
        ReplyCase("// just a comment", .console("// just a comment")),
    ]

    static let errors: [ReplyCase] = [
        ReplyCase("Error:Line Number is not Last Line Number+1, Last Line: 11", .error(.lineNumberMismatch(lastLine: 11))),
        ReplyCase("Error:checksum mismatch, Last Line: 11", .error(.checksumMismatch(lastLine: 11))),
        ReplyCase("Error:No Checksum with line number, Last Line: 11", .error(.missingChecksum(lastLine: 11))),
        ReplyCase("Error:No Line Number with checksum, Last Line: 11", .error(.missingLineNumber(lastLine: 11))),
        ReplyCase("Error:checksum mismatch", .error(.checksumMismatch(lastLine: nil))),
        ReplyCase("Error:Printer halted. kill() called!", .error(.halted("Printer halted. kill() called!"))),
        ReplyCase("!! Printer halted", .error(.halted("Printer halted"))),
        ReplyCase("Error:Printer stopped due to errors. Fix the error and use M999 to restart. (Temperature is reset. Set it after restarting)",
                  .error(.halted("Printer stopped due to errors. Fix the error and use M999 to restart. (Temperature is reset. Set it after restarting)"))),
        // Marlin 2.x heater faults.
        ReplyCase("Error:Thermal Runaway, system stopped! Heater_ID: 0",
                  fault(.thermalRunaway, "0", "Thermal Runaway, system stopped! Heater_ID: 0")),
        ReplyCase("Error:Thermal Runaway, system stopped! Heater_ID: bed",
                  fault(.thermalRunaway, "bed", "Thermal Runaway, system stopped! Heater_ID: bed")),
        ReplyCase("Error:MINTEMP triggered, system stopped! Heater_ID: 0",
                  fault(.minTemp, "0", "MINTEMP triggered, system stopped! Heater_ID: 0")),
        ReplyCase("Error:MAXTEMP triggered, system stopped! Heater_ID: bed",
                  fault(.maxTemp, "bed", "MAXTEMP triggered, system stopped! Heater_ID: bed")),
        ReplyCase("Error:Heating failed, system stopped! Heater_ID: 0",
                  fault(.heatingFailed, "0", "Heating failed, system stopped! Heater_ID: 0")),
        ReplyCase("Error:Thermal Malfunction, system stopped! Heater_ID: chamber",
                  fault(.thermalRunaway, "chamber", "Thermal Malfunction, system stopped! Heater_ID: chamber")),
        ReplyCase("Error: Thermal Runaway", fault(.thermalRunaway, nil, "Thermal Runaway")),
        // Prusa: `Error:0` names the extruder on its own line, the fault follows.
        ReplyCase("Error:0", .error(.other("0"))),
        ReplyCase("Error:THERMAL RUNAWAY", fault(.thermalRunaway, nil, "THERMAL RUNAWAY")),
        ReplyCase("Error:BED THERMAL RUNAWAY", fault(.thermalRunaway, "bed", "BED THERMAL RUNAWAY")),
        ReplyCase("Error: HEATBED THERMAL RUNAWAY", fault(.thermalRunaway, "bed", "HEATBED THERMAL RUNAWAY")),
        ReplyCase("Error: THERMAL RUNAWAY (PREHEAT HOTEND)", fault(.thermalRunaway, nil, "THERMAL RUNAWAY (PREHEAT HOTEND)")),
        ReplyCase("Error:MINTEMP", fault(.minTemp, nil, "MINTEMP")),
        ReplyCase(": Extruder switched off. MINTEMP triggered !",
                  fault(.minTemp, nil, ": Extruder switched off. MINTEMP triggered !")),
        ReplyCase("Error:Temperature heated bed switched off. MAXTEMP triggered !",
                  fault(.maxTemp, "bed", "Temperature heated bed switched off. MAXTEMP triggered !")),
        // RepRapFirmware.
        ReplyCase("Error: Heater 1 fault: temperature rising much more slowly than the expected 1.8°C/sec",
                  fault(.heatingFailed, "1", "Heater 1 fault: temperature rising much more slowly than the expected 1.8°C/sec")),
        ReplyCase("Error: Heater 0 fault: temperature excursion exceeded 15.0°C",
                  fault(.thermalRunaway, "0", "Heater 0 fault: temperature excursion exceeded 15.0°C")),
        ReplyCase("Error: Bad command: XYZ", .unknownCommand("XYZ")),
        ReplyCase("Error: Unknown G code: G999", .unknownCommand("G999")),
        ReplyCase("Warning: M999: command is not supported", .unknownCommand("M999")),
        ReplyCase("Warning: M307: Heater 1 appears to be over-powered",
                  .console("Warning: M307: Heater 1 appears to be over-powered")),
        ReplyCase("Error:Something else went wrong", .error(.other("Something else went wrong"))),
        ReplyCase("ERROR: checksum mismatch, Last Line: 7", .error(.checksumMismatch(lastLine: 7))),
    ]

    static let echoes: [ReplyCase] = [
        ReplyCase("echo:Unknown command: \"G999\"", .unknownCommand("G999")),
        ReplyCase("echo:Unknown command: \"M9999 S1\"", .unknownCommand("M9999 S1")),
        ReplyCase("echo:Soft endstops: On   Min:  X0.00 Y0.00 Z0.00   Max:  X235.00 Y235.00 Z250.00",
                  .softEndstops(SoftEndstops(enabled: true, min: .init(x: 0, y: 0, z: 0),
                                             max: .init(x: 235, y: 235, z: 250)))),
        ReplyCase("echo:Soft endstops: Off   Min:  X-2.00 Y-5.00 Z0.00   Max:  X235.00 Y235.00 Z250.00",
                  .softEndstops(SoftEndstops(enabled: false, min: .init(x: -2, y: -5, z: 0),
                                             max: .init(x: 235, y: 235, z: 250)))),
        ReplyCase("echo:Soft endstops: On  Min: X0.00 Y0.00 Z0.00  Max: X200.00 Y200.00 Z200.00",
                  .softEndstops(SoftEndstops(enabled: true, min: .init(x: 0, y: 0, z: 0),
                                             max: .init(x: 200, y: 200, z: 200)))),
        ReplyCase("echo:Soft endstops: On", .echo("Soft endstops: On")),
        ReplyCase("echo:SD card ok", .echo("SD card ok")),
        ReplyCase("echo:  M92 X80.00 Y80.00 Z400.00 E93.00", .echo("M92 X80.00 Y80.00 Z400.00 E93.00")),
        ReplyCase("echo:", .echo("")),
    ]

    static let console: [ReplyCase] = [
        ReplyCase("", .console("")),
        ReplyCase(" \r", .console("")),
        ReplyCase("Marlin 2.1.2.1", .console("Marlin 2.1.2.1")),
        ReplyCase("LCD status changed", .console("LCD status changed")),
        ReplyCase("Not SD printing", .console("Not SD printing")),
        ReplyCase("starting", .console("starting")),
        ReplyCase("waiting", .console("waiting")),
    ]

    @Test(arguments: acknowledgements + resends + keepAlives)
    func acknowledgementsAndFlowControl(_ reply: ReplyCase) {
        #expect(FirmwareReply.parse(Array(reply.line.utf8)) == reply.expected)
    }

    @Test(arguments: temperatures)
    func temperatureReports(_ reply: ReplyCase) {
        #expect(FirmwareReply.parse(Array(reply.line.utf8)) == reply.expected)
    }

    @Test(arguments: firmwareInfo + actions)
    func capabilitiesAndActions(_ reply: ReplyCase) {
        #expect(FirmwareReply.parse(Array(reply.line.utf8)) == reply.expected)
    }

    @Test(arguments: errors)
    func errorLines(_ reply: ReplyCase) {
        #expect(FirmwareReply.parse(Array(reply.line.utf8)) == reply.expected)
    }

    @Test(arguments: echoes + console)
    func echoAndConsoleText(_ reply: ReplyCase) {
        #expect(FirmwareReply.parse(Array(reply.line.utf8)) == reply.expected)
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
        let reply = FirmwareReply.parse(Array(Self.firmwareInfo[0].line.utf8))
        guard case .firmwareInfo(let info) = reply else {
            Issue.record("expected firmware info, got \(reply)")
            return
        }
        #expect(info.firmwareName == "Marlin 2.1.2.1 (Sep 13 2023 15:43:22)")
        #expect(info.machineType == "Ender-3 V2")
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
        let seeds = Self.acknowledgements + Self.temperatures + Self.errors + Self.echoes + Self.firmwareInfo
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
