@testable import GCode

/// Marlin 2.1's replies, each from the code that prints it (read in MarlinFirmware/Marlin):
/// - `Marlin/src/gcode/queue.cpp`: `ok_to_send` (`ok`, ADVANCED_OK's ` N<line>` ` P<planner>` ` B<buffer>`),
///   `flush_and_request_resend` (`Resend: <n>` then `ok`), `gcode_line_error` (`Error:` + language.h's STR_ERR_*),
///   `serial_data_available` (RX_BUFFER_MONITOR's `RX BUF overflow, increase RX_BUFFER_SIZE: <n>`), NO_TIMEOUTS's `wait`;
/// - `Marlin/src/gcode/gcode.cpp`: `host_keepalive` (`echo:` + STR_BUSY_PROCESSING… every DEFAULT_KEEPALIVE_INTERVAL 2 s,
///   also while heating with BUSY_WHILE_HEATING, which Configuration_adv.h enables);
/// - `Marlin/src/module/temperature.cpp`: `print_heater_state(s)` (` T:c /t`, ` B:`, ` C:`, ` T0:`…, ` @:`, ` B@:`,
///   ` (adc)` with SHOW_TEMP_ADC_VALUES), and `wait_for_hotend`/`wait_for_bed` appending ` W:<s>` or ` W:?` every second;
/// - `Marlin/src/gcode/host/M115.cpp`: FIRMWARE_NAME line, `cap_line` (`Cap:NAME:0|1`), M115_GEOMETRY_REPORT's `area:`;
/// - `M211.cpp` (`GcodeSuite::M211_report`) with `Marlin/src/core/language.h` (STR_SOFT_MIN `"  Min: "`);
/// - `Marlin/src/feature/host_actions.cpp` (`//action:` + notification, prompt_begin/button/show/end) and
///   `Marlin/src/MarlinCore.cpp` `setup()` (`hostui.prompt_end()` at boot).
enum MarlinReplyTable {
    static let queue = "Marlin/src/gcode/queue.cpp"
    static let gcode = "Marlin/src/gcode/gcode.cpp"
    static let temperature = "Marlin/src/module/temperature.cpp"
    static let m115 = "Marlin/src/gcode/host/M115.cpp"
    static let m211 = "M211.cpp (M211_report)"
    static let actions = "Marlin/src/feature/host_actions.cpp"
    static let language = "Marlin/src/core/language.h"

    static let flowControl: [ReplyCase] = [
        ReplyCase("ok", .ok(.plain), .marlin(queue)),
        ReplyCase("ok N2 P15 B3", .ok(Acknowledgement(lineNumber: 2, plannerFree: 15, bufferFree: 3)), .marlin(queue)),
        ReplyCase("ok N4711 P0 B0", .ok(Acknowledgement(lineNumber: 4711, plannerFree: 0, bufferFree: 0)), .marlin(queue)),
        ReplyCase("ok P15 B3", .ok(Acknowledgement(plannerFree: 15, bufferFree: 3)), .marlin(queue + ", an unnumbered line")),
        ReplyCase("Resend: 12", .resend(line: 12), .marlin(queue)),
        ReplyCase("wait", .wait, .marlin(queue + " (NO_TIMEOUTS)")),
        ReplyCase("echo:busy: processing", .busy(.processing), .marlin(gcode)),
        ReplyCase("echo:busy: paused for user", .busy(.pausedForUser), .marlin(gcode)),
        ReplyCase("echo:busy: paused for input", .busy(.pausedForInput), .marlin(gcode)),
        ReplyCase("start", .start, .marlin("Marlin/src/MarlinCore.cpp")),
    ]

    static let errors: [ReplyCase] = [
        ReplyCase("Error:Line Number is not Last Line Number+1, Last Line: 11", .error(.lineNumberMismatch(lastLine: 11)), .marlin(queue)),
        ReplyCase("Error:checksum mismatch, Last Line: 11", .error(.checksumMismatch(lastLine: 11)), .marlin(queue)),
        ReplyCase("Error:No Checksum with line number, Last Line: 11", .error(.missingChecksum(lastLine: 11)), .marlin(queue)),
        ReplyCase("Error:RX BUF overflow, increase RX_BUFFER_SIZE: 127", .error(.receiveBufferOverflow(bytesWaiting: 127)), .marlin(queue)),
        ReplyCase("Error:RX BUF overflow, increase RX_BUFFER_SIZE: 1023", .error(.receiveBufferOverflow(bytesWaiting: 1023)), .marlin(queue)),
        ReplyCase("Error:Serial status mismatch", .error(.other("Serial status mismatch")), .marlin(queue)),
        ReplyCase("Error:Printer halted. kill() called!", .error(.halted("Printer halted. kill() called!")), .marlin(language)),
        ReplyCase("Error:Printer stopped due to errors. Fix the error and use M999 to restart. (Temperature is reset. Set it after restarting)",
                  .error(.halted("Printer stopped due to errors. Fix the error and use M999 to restart. (Temperature is reset. Set it after restarting)")),
                  .marlin(language)),
        ReplyCase("Error:Thermal Runaway, system stopped! Heater_ID: 0",
                  fault(.thermalRunaway, "0", "Thermal Runaway, system stopped! Heater_ID: 0"), .marlin(temperature)),
        ReplyCase("Error:Thermal Runaway, system stopped! Heater_ID: bed",
                  fault(.thermalRunaway, "bed", "Thermal Runaway, system stopped! Heater_ID: bed"), .marlin(temperature)),
        ReplyCase("Error:MINTEMP triggered, system stopped! Heater_ID: 0",
                  fault(.minTemp, "0", "MINTEMP triggered, system stopped! Heater_ID: 0"), .marlin(temperature)),
        ReplyCase("Error:MAXTEMP triggered, system stopped! Heater_ID: bed",
                  fault(.maxTemp, "bed", "MAXTEMP triggered, system stopped! Heater_ID: bed"), .marlin(temperature)),
        ReplyCase("Error:Heating failed, system stopped! Heater_ID: 0",
                  fault(.heatingFailed, "0", "Heating failed, system stopped! Heater_ID: 0"), .marlin(temperature)),
        ReplyCase("Error:Thermal Malfunction, system stopped! Heater_ID: chamber",
                  fault(.thermalRunaway, "chamber", "Thermal Malfunction, system stopped! Heater_ID: chamber"), .marlin(temperature)),
        ReplyCase("echo:Unknown command: \"G999\"", .unknownCommand("G999"), .marlin(gcode)),
        ReplyCase("echo:Unknown command: \"M9999 S1\"", .unknownCommand("M9999 S1"), .marlin(gcode)),
    ]

    static let temperatures: [ReplyCase] = [
        // Autoreport (M155) and M105: a leading space, two decimals, the heater powers.
        ReplyCase(" T:210.00 /210.00 B:60.00 /60.00 @:127 B@:0",
                  .temperature(temps([0: reading(210, 210)], bed: reading(60, 60))), .marlin(temperature)),
        ReplyCase("ok T:25.45 /0.00 B:25.45 /0.00 @:0 B@:0",
                  .ok(Acknowledgement(temperatures: temps([0: reading(25.45, 0)], bed: reading(25.45, 0)))), .marlin(temperature)),
        // M109 waiting: ` W:?` before the residency timer starts, then the seconds left.
        ReplyCase(" T:25.45 /50.00 B:25.45 /0.00 @:0 B@:0 W:?",
                  .temperature(temps([0: reading(25.45, 50)], bed: reading(25.45, 0), waiting: true)), .marlin(temperature)),
        ReplyCase(" T:49.61 /50.00 B:25.45 /0.00 @:37 B@:0 W:7",
                  .temperature(temps([0: reading(49.61, 50)], bed: reading(25.45, 0), waiting: true, seconds: 7)),
                  .marlin(temperature)),
        // Several hotends: the active tool's pair, then every tool's.
        ReplyCase(" T:210.00 /210.00 B:60.00 /60.00 T0:210.00 /210.00 T1:200.00 /205.00 @:0 B@:0 @0:0 @1:0",
                  .temperature(temps([0: reading(210, 210), 1: reading(200, 205)], bed: reading(60, 60))), .marlin(temperature)),
        ReplyCase(" T:180.10 /200.00 B:60.00 /60.00 T0:25.00 /0.00 T1:180.10 /200.00 @:127 B@:0 @0:0 @1:127 W:?",
                  .temperature(temps([0: reading(25, 0), 1: reading(180.1, 200)], bed: reading(60, 60), waiting: true)),
                  .marlin(temperature)),
        // SHOW_TEMP_ADC_VALUES and a chamber.
        ReplyCase(" T:22.50 /0.00 (3960.00) B:22.10 /0.00 (3966.00) C:24.00 /40.00 @:0 B@:0 C@:0",
                  .temperature(temps([0: reading(22.5, 0)], bed: reading(22.1, 0), chamber: reading(24, 40))), .marlin(temperature)),
        // TEMP_SENSOR_1_AS_REDUNDANT.
        ReplyCase(" T:200.00 /200.00 R:201.50 /200.00 B:60.00 /60.00 @:64 B@:0",
                  .temperature(temps([0: reading(200, 200)], bed: reading(60, 60), other: ["R": reading(201.5, 200)])),
                  .marlin(temperature)),
        // M114 is no temperature report.
        ReplyCase("X:0.00 Y:0.00 Z:0.00 E:0.00 Count X:0 Y:0 Z:0", .console("X:0.00 Y:0.00 Z:0.00 E:0.00 Count X:0 Y:0 Z:0"),
                  .marlin("Marlin/src/gcode/host/M114.cpp")),
    ]

    static let identity: [ReplyCase] = [
        ReplyCase("FIRMWARE_NAME:Marlin bugfix-2.1.x (Dec  4 2026 12:00:00) SOURCE_CODE_URL:github.com/MarlinFirmware/Marlin PROTOCOL_VERSION:1.0 MACHINE_TYPE:3D Printer EXTRUDER_COUNT:1 UUID:cede2a2f-41a2-4748-9b12-c55c62f367ff",
                  .firmwareInfo(FirmwareInfo(fields: [
                      ("FIRMWARE_NAME", "Marlin bugfix-2.1.x (Dec  4 2026 12:00:00)"),
                      ("SOURCE_CODE_URL", "github.com/MarlinFirmware/Marlin"),
                      ("PROTOCOL_VERSION", "1.0"),
                      ("MACHINE_TYPE", "3D Printer"),
                      ("EXTRUDER_COUNT", "1"),
                      ("UUID", "cede2a2f-41a2-4748-9b12-c55c62f367ff"),
                  ])), .marlin(m115)),
        ReplyCase("Cap:AUTOREPORT_TEMP:1", .capability(name: "AUTOREPORT_TEMP", enabled: true), .marlin(m115)),
        ReplyCase("Cap:EMERGENCY_PARSER:0", .capability(name: "EMERGENCY_PARSER", enabled: false), .marlin(m115)),
        ReplyCase("area:{full:{min:{x:0.00,y:0.00,z:0.00},max:{x:200.00,y:200.00,z:200.00}},work:{min:{x:0.00,y:0.00,z:0.00},max:{x:200.00,y:200.00,z:200.00}}}",
                  .printArea(PrintArea(full: .init(min: .init(x: 0, y: 0, z: 0), max: .init(x: 200, y: 200, z: 200)),
                                       work: .init(min: .init(x: 0, y: 0, z: 0), max: .init(x: 200, y: 200, z: 200)))),
                  .marlin(m115)),
        // The travel beyond the bed (X_MIN_POS -5) is in `full`, not in `work`.
        ReplyCase("area:{full:{min:{x:-5.00,y:-8.00,z:0.00},max:{x:240.00,y:235.00,z:250.00}},work:{min:{x:0.00,y:0.00,z:0.00},max:{x:235.00,y:235.00,z:250.00}}}",
                  .printArea(PrintArea(full: .init(min: .init(x: -5, y: -8, z: 0), max: .init(x: 240, y: 235, z: 250)),
                                       work: .init(min: .init(x: 0, y: 0, z: 0), max: .init(x: 235, y: 235, z: 250)))),
                  .marlin(m115)),
        // M211 alone (2.1): two lines, the state and then the limits; inside M503 the same after `echo:`.
        ReplyCase("  M211 S1 ; ON", .console("M211 S1 ; ON"), .marlin(m211)),
        ReplyCase("  Min:  X0.00 Y0.00 Z0.00   Max:  X200.00 Y200.00 Z200.00", limits(nil, min: (0, 0, 0), max: (200, 200, 200)),
                  .marlin(m211)),
        ReplyCase("  Min:  X-5.00 Y-8.00 Z0.00   Max:  X235.00 Y235.00 Z250.00", limits(nil, min: (-5, -8, 0), max: (235, 235, 250)),
                  .marlin(m211)),
        ReplyCase("echo:; Soft endstops:", .echo("; Soft endstops:"), .marlin(m211 + " in M503")),
        ReplyCase("echo:  M211 S0 ; OFF", .echo("M211 S0 ; OFF"), .marlin(m211 + " in M503")),
        ReplyCase("echo:  Min:  X0.00 Y0.00 Z0.00   Max:  X200.00 Y200.00 Z200.00", limits(nil, min: (0, 0, 0), max: (200, 200, 200)),
                  .marlin(m211 + " in M503")),
        // Marlin 2.0.x printed one line.
        ReplyCase("echo:Soft endstops: ON  Min:  X0.00 Y0.00 Z0.00   Max:  X220.00 Y220.00 Z250.00",
                  limits(true, min: (0, 0, 0), max: (220, 220, 250)), .marlin(m211 + ", 2.0.x")),
        ReplyCase("echo:Soft endstops: OFF  Min:  X-2.00 Y-5.00 Z0.00   Max:  X235.00 Y235.00 Z250.00",
                  limits(false, min: (-2, -5, 0), max: (235, 235, 250)), .marlin(m211 + ", 2.0.x")),
    ]

    static let hostActions: [ReplyCase] = [
        ReplyCase("//action:prompt_end", .action(.promptEnd), .marlin(actions + ", at boot from MarlinCore.cpp setup()")),
        ReplyCase("//action:notification 3D Printer Ready.", .action(.notification("3D Printer Ready.")), .marlin(actions)),
        ReplyCase("//action:prompt_begin Paused", .action(.promptBegin("Paused")), .marlin(actions)),
        ReplyCase("//action:prompt_button PurgeMore", .action(.promptButton("PurgeMore")), .marlin(actions)),
        ReplyCase("//action:prompt_button Continue", .action(.promptButton("Continue")), .marlin(actions)),
        ReplyCase("//action:prompt_show", .action(.promptShow), .marlin(actions)),
        ReplyCase("//action:pause", .action(.pause), .marlin(actions)),
        ReplyCase("//action:paused", .action(.paused), .marlin(actions)),
        ReplyCase("//action:resume", .action(.resume), .marlin(actions)),
        ReplyCase("//action:resumed", .action(.resumed), .marlin(actions)),
        ReplyCase("//action:cancel", .action(.cancel), .marlin(actions)),
        ReplyCase("//action:out_of_filament T0", .action(.other("out_of_filament T0")), .marlin("Marlin/src/feature/runout.cpp")),
    ]

    static let all = flowControl + errors + temperatures + identity + hostActions
}
