@testable import GCode

/// Lines from users' reports, and lines no firmware source above prints but a link or another firmware may:
/// padding, line endings, garbled counters, wordings known only from reports.
enum EdgeCaseReplyTable {
    static let transcripts: [ReplyCase] = [
        // Issue 10: a real Marlin bugfix-2.1.x on RAMPS at 250000 baud.
        ReplyCase(" T:25.45 /50.00 B:25.45 /0.00 @:0 B@:0 W:?",
                  .temperature(temps([0: reading(25.45, 50)], bed: reading(25.45, 0), waiting: true)), .transcript("issue 10")),
        ReplyCase("ok N2 P15 B3", .ok(Acknowledgement(lineNumber: 2, plannerFree: 15, bufferFree: 3)), .transcript("issue 10")),
        ReplyCase("Error:RX BUF overflow, increase RX_BUFFER_SIZE: 127", .error(.receiveBufferOverflow(bytesWaiting: 127)),
                  .transcript("issue 10")),
        ReplyCase("  M211 S1 ; ON", .console("M211 S1 ; ON"), .transcript("issue 10")),
        ReplyCase("  Min:  X0.00 Y0.00 Z0.00   Max:  X200.00 Y200.00 Z200.00", limits(nil, min: (0, 0, 0), max: (200, 200, 200)),
                  .transcript("issue 10")),
        // Integer temperatures from a GPX-translated Makerbot, waiting for the LCD's unpause button.
        ReplyCase(" T:227 /230 B:41 /0 T0:227 /230 T1:42 /0 @:0 B@:0",
                  .temperature(temps([0: reading(227, 230), 1: reading(42, 0)], bed: reading(41, 0))),
                  .transcript("https://github.com/markwal/OctoPrint-GPX/issues/68")),
        ReplyCase("// echo: Waiting for unpause button on the LCD panel", .console("// echo: Waiting for unpause button on the LCD panel"),
                  .transcript("https://github.com/markwal/OctoPrint-GPX/issues/68")),
        // OctoPrint's "potential garble": a report cut and spliced on a noisy link still reads as far as it goes.
        ReplyCase(" T:210.10 /210.097 B@:41", .temperature(temps([0: reading(210.1, 210.097)])),
                  .transcript("https://github.com/OctoPrint/OctoPrint/issues/2454")),
    ]

    static let wordings: [ReplyCase] = [
        // Other firmwares' resend wordings (Repetier `rs`, a colon without a space).
        ReplyCase("Resend:12", .resend(line: 12), .edgeCase("no space after the colon")),
        ReplyCase("rs N12", .resend(line: 12), .edgeCase("Repetier's resend request")),
        ReplyCase("rs 12", .resend(line: 12), .edgeCase("Repetier's resend request without N")),
        ReplyCase("Resend: N4711", .resend(line: 4711), .edgeCase("an N before the number")),
        ReplyCase("busy: processing", .busy(.processing), .edgeCase("busy without echo:")),
        ReplyCase("echo:busy: homing", .busy(.other("homing")), .edgeCase("a busy reason Marlin does not print")),
        ReplyCase("ERROR: checksum mismatch, Last Line: 7", .error(.checksumMismatch(lastLine: 7)), .edgeCase("upper-case prefix")),
        ReplyCase("Error:checksum mismatch", .error(.checksumMismatch(lastLine: nil)), .edgeCase("no last line")),
        // Line noise hits the error lines too (seen in `bench serial --errors 2`): a byte lost or a bit flipped.
        ReplyCase("Error:checksum mimatch, Last Line: 7529", .error(.checksumMismatch(lastLine: 7529)),
                  .edgeCase("a byte of the wording lost")),
        ReplyCase("Error:c`ecksum mismatch, Last Line: 13631", .error(.checksumMismatch(lastLine: 13631)),
                  .edgeCase("a bit of the wording flipped")),
        ReplyCase("Error:Line Number is not Last Lile Number+1, Last Line: 552", .error(.lineNumberMismatch(lastLine: 552)),
                  .edgeCase("a bit flipped in the line-number error")),
        ReplyCase("Error:No Checksum sith line number, Last Line: 41882", .error(.missingChecksum(lastLine: 41882)),
                  .edgeCase("a bit flipped in the missing-checksum error")),
        ReplyCase("Error:something else entirely, Last Line: 12", .error(.other("something else entirely, Last Line: 12")),
                  .edgeCase("a Last Line after words that are no line error")),
        ReplyCase("Error:No Line Number with checksum, Last Line: 11", .error(.missingLineNumber(lastLine: 11)),
                  .edgeCase("Marlin 1.x wording")),
        ReplyCase("!! Printer halted", .error(.halted("Printer halted")), .edgeCase("Klipper-style halt")),
        ReplyCase("Error: Thermal Runaway", fault(.thermalRunaway, nil, "Thermal Runaway"), .edgeCase("no heater id")),
        ReplyCase("Error:THERMAL RUNAWAY", fault(.thermalRunaway, nil, "THERMAL RUNAWAY"), .edgeCase("upper-case fault")),
        ReplyCase("Error: HEATBED THERMAL RUNAWAY", fault(.thermalRunaway, "bed", "HEATBED THERMAL RUNAWAY"), .edgeCase("heatbed")),
        ReplyCase("Error:MINTEMP", fault(.minTemp, nil, "MINTEMP"), .edgeCase("bare MINTEMP")),
        // RepRapFirmware wordings known from users' logs, not read in its source.
        ReplyCase("Error: Heater 1 fault: temperature rising much more slowly than the expected 1.8°C/sec",
                  fault(.heatingFailed, "1", "Heater 1 fault: temperature rising much more slowly than the expected 1.8°C/sec"),
                  .edgeCase("RepRapFirmware heater fault wording")),
        ReplyCase("Error: Heater 0 fault: temperature excursion exceeded 15.0°C",
                  fault(.thermalRunaway, "0", "Heater 0 fault: temperature excursion exceeded 15.0°C"),
                  .edgeCase("RepRapFirmware heater fault wording")),
        ReplyCase("Error: Bad command: XYZ", .unknownCommand("XYZ"), .edgeCase("RepRapFirmware-style unknown command")),
        ReplyCase("Error: Unknown G code: G999", .unknownCommand("G999"), .edgeCase("RepRapFirmware-style unknown command")),
        ReplyCase("Warning: M999: command is not supported", .unknownCommand("M999"), .edgeCase("RepRapFirmware-style unsupported command")),
        ReplyCase("Warning: M307: Heater 1 appears to be over-powered",
                  .console("Warning: M307: Heater 1 appears to be over-powered"), .edgeCase("a warning that names a command")),
        ReplyCase("echo:Unknown M code: M211", .unknownCommand("M211"), .edgeCase("Prusa's unknown-code wording after echo:")),
        ReplyCase("Unknown M code", .console("Unknown M code"), .edgeCase("Prusa's wording without the command")),
        ReplyCase("Error:Something else went wrong", .error(.other("Something else went wrong")), .edgeCase("any other error")),
    ]

    static let framing: [ReplyCase] = [
        ReplyCase("ok\r", .ok(.plain), .edgeCase("CR LF line ending")),
        ReplyCase("  ok  ", .ok(.plain), .edgeCase("padding")),
        ReplyCase("ok N123 P15 B3 ", .ok(Acknowledgement(lineNumber: 123, plannerFree: 15, bufferFree: 3)), .edgeCase("trailing space")),
        ReplyCase("ok N0 P0 B0\r", .ok(Acknowledgement(lineNumber: 0, plannerFree: 0, bufferFree: 0)), .edgeCase("zeros and CR")),
        ReplyCase("ok T:0", .ok(Acknowledgement(temperatures: temps([0: reading(0)]))), .edgeCase("a reading without target")),
        ReplyCase("okay", .console("okay"), .edgeCase("not an ok")),
        ReplyCase("ok:", .console("ok:"), .edgeCase("not an ok")),
        ReplyCase("Resend: 12\r", .resend(line: 12), .edgeCase("CR")),
        ReplyCase("Resend:", .console("Resend:"), .edgeCase("no number")),
        ReplyCase("Resend: twelve", .console("Resend: twelve"), .edgeCase("no number")),
        ReplyCase("start\r", .start, .edgeCase("CR")),
        ReplyCase("Cap:ADVANCED_OK:1\r", .capability(name: "ADVANCED_OK", enabled: true), .edgeCase("CR")),
        ReplyCase("Cap:BROKEN", .console("Cap:BROKEN"), .edgeCase("no value")),
        ReplyCase("// action:cancel", .action(.cancel), .edgeCase("a space after //")),
        ReplyCase("//action:disconnect", .action(.disconnect), .edgeCase("OctoPrint's disconnect action")),
        ReplyCase("//action:notification Heating...", .action(.notification("Heating...")), .edgeCase("notification text")),
        ReplyCase("//action:prompt_choice Purge more", .action(.promptChoice("Purge more")), .edgeCase("old prompt_choice")),
        ReplyCase("// just a comment", .console("// just a comment"), .edgeCase("a comment, no action")),
        ReplyCase("T:abc", .console("T:abc"), .edgeCase("no number")),
        ReplyCase("B:60.0 /60.0", .temperature(temps(bed: reading(60, 60))), .edgeCase("bed only")),
        ReplyCase("T:25.00/", .temperature(temps([0: reading(25)])), .edgeCase("glued target cut off")),
        ReplyCase("X:10.00 Y:10.00 Z:0.30 E:0.00 Count A:800 B:800 Z:120",
                  .console("X:10.00 Y:10.00 Z:0.30 E:0.00 Count A:800 B:800 Z:120"), .edgeCase("CoreXY M114, whose B: is no bed")),
        ReplyCase("echo:Soft endstops: On", .echo("Soft endstops: On"), .edgeCase("M211 cut short")),
        ReplyCase("Min: X0.00 Y0.00", .console("Min: X0.00 Y0.00"), .edgeCase("M211 limits cut short")),
        ReplyCase("area:{full:{min:{x:0.00,y:0.00,z:0.00},max:{x:200.00,y:200.00,z:200.00}}}",
                  .console("area:{full:{min:{x:0.00,y:0.00,z:0.00},max:{x:200.00,y:200.00,z:200.00}}}"), .edgeCase("area without work")),
        ReplyCase("area:{full:{min:{x:0.00", .console("area:{full:{min:{x:0.00"), .edgeCase("area cut short")),
        ReplyCase("echo:SD card ok", .echo("SD card ok"), .edgeCase("other echo")),
        ReplyCase("echo:  M92 X80.00 Y80.00 Z400.00 E93.00", .echo("M92 X80.00 Y80.00 Z400.00 E93.00"), .edgeCase("M503 line")),
        ReplyCase("echo:", .echo(""), .edgeCase("empty echo")),
        ReplyCase("", .console(""), .edgeCase("empty line")),
        ReplyCase(" \r", .console(""), .edgeCase("blank line")),
        ReplyCase("Marlin 2.1.2.1", .console("Marlin 2.1.2.1"), .edgeCase("banner")),
        ReplyCase("Not SD printing", .console("Not SD printing"), .edgeCase("text")),
        ReplyCase("starting", .console("starting"), .edgeCase("not start")),
        ReplyCase("waiting", .console("waiting"), .edgeCase("not wait")),
    ]

    static let all = transcripts + wordings + framing
}
