@testable import GCode

/// Prusa's replies. Prusa-Firmware 3.x (MK3/MK3S, prusa3d/Prusa-Firmware `Firmware/Marlin_main.cpp`): `gcode_M105`
/// prints `T:c /t B:c /t T0:c /t @:p B@:p P:pinda A:ambient` with one decimal (`@:40W` with EXTRUDER_WATTS), the
/// M109/M190 wait prints Marlin 1.0's `T:c E:n W:s` / `T:c E:n B:c`, M115 prints `FIRMWARE_NAME:Prusa-Firmware …
/// FIRMWARE_URL:…`, heater faults come as `Error:0` then a prefix-less line, and a command it lacks as
/// `Unknown M code: M211` (`Firmware/messages.cpp`). Prusa-Firmware-Buddy (MK4, XL) runs a
/// Marlin 2 fork whose `print_heater_state` (`lib/Marlin/Marlin/src/module/temperature.cpp`) glues the target on with
/// `"/"`, adds `X:` (heatbreak) and `A:` (board).
enum PrusaReplyTable {
    static let main = "Firmware/Marlin_main.cpp"
    static let buddyTemperature = "lib/Marlin/Marlin/src/module/temperature.cpp"

    static let all: [ReplyCase] = [
        ReplyCase("ok T:20.3 /0.0 B:19.8 /0.0 T0:20.3 /0.0 @:0 B@:0 P:0.0 A:26.4",
                  .ok(Acknowledgement(temperatures: temps([0: reading(20.3, 0)], bed: reading(19.8, 0),
                                                          other: ["P": reading(0), "A": reading(26.4)]))), .prusa(main)),
        ReplyCase("T:211.2 /215.0 B:60.1 /60.0 T0:211.2 /215.0 @:63 B@:0 P:38.4 A:33.2",
                  .temperature(temps([0: reading(211.2, 215)], bed: reading(60.1, 60),
                                     other: ["P": reading(38.4), "A": reading(33.2)])), .prusa(main + " (M155 autoreport)")),
        ReplyCase("ok T:210.0 /210.0 B:60.0 /60.0 T0:210.0 /210.0 @:40W B@:0W P:35.0 A:30.0",
                  .ok(Acknowledgement(temperatures: temps([0: reading(210, 210)], bed: reading(60, 60),
                                                          other: ["P": reading(35), "A": reading(30)]))), .prusa(main + " (EXTRUDER_WATTS)")),
        ReplyCase("T:195.4 E:0 W:?", .temperature(temps([0: reading(195.4)], waiting: true)), .prusa(main + " (M109 wait)")),
        ReplyCase("T:205.2 E:0 W:4", .temperature(temps([0: reading(205.2)], waiting: true, seconds: 4)), .prusa(main + " (M109 wait)")),
        ReplyCase("T:211.2 E:0 B:59.9", .temperature(temps([0: reading(211.2)], bed: reading(59.9))), .prusa(main + " (M190 wait)")),
        ReplyCase("FIRMWARE_NAME:Prusa-Firmware 3.13.2 based on Marlin FIRMWARE_URL:https://github.com/prusa3d/Prusa-Firmware PROTOCOL_VERSION:1.0 MACHINE_TYPE:Prusa i3 MK3S EXTRUDER_COUNT:1 UUID:00000000-0000-0000-0000-000000000000",
                  .firmwareInfo(FirmwareInfo(fields: [
                      ("FIRMWARE_NAME", "Prusa-Firmware 3.13.2 based on Marlin"),
                      ("FIRMWARE_URL", "https://github.com/prusa3d/Prusa-Firmware"),
                      ("PROTOCOL_VERSION", "1.0"),
                      ("MACHINE_TYPE", "Prusa i3 MK3S"),
                      ("EXTRUDER_COUNT", "1"),
                      ("UUID", "00000000-0000-0000-0000-000000000000"),
                  ])), .prusa(main)),
        // A command the firmware lacks (`Firmware/messages.cpp`, MSG_UNKNOWN_CODE `"Unknown %c code: %s\n"`).
        ReplyCase("Unknown M code: M211", .unknownCommand("M211"), .prusa("Firmware/messages.cpp")),
        ReplyCase("Unknown G code: G77 X1", .unknownCommand("G77"), .prusa("Firmware/messages.cpp")),
        ReplyCase("Resend: 12", .resend(line: 12), .prusa(main + " (FlushSerialRequestResend)")),
        ReplyCase("echo:busy: processing", .busy(.processing), .prusa(main + " (host_keepalive)")),
        ReplyCase("Error:0", .error(.other("0")), .prusa("Firmware/temperature.cpp")),
        ReplyCase(": Extruder switched off. MINTEMP triggered !",
                  fault(.minTemp, nil, ": Extruder switched off. MINTEMP triggered !"), .prusa("Firmware/temperature.cpp")),
        // Thermal-runaway wordings known from reports, not read in the source.
        ReplyCase("Error:BED THERMAL RUNAWAY", fault(.thermalRunaway, "bed", "BED THERMAL RUNAWAY"),
                  .edgeCase("Prusa bed runaway wording")),
        ReplyCase("Error: THERMAL RUNAWAY (PREHEAT HOTEND)", fault(.thermalRunaway, nil, "THERMAL RUNAWAY (PREHEAT HOTEND)"),
                  .edgeCase("Prusa preheat runaway wording")),
        ReplyCase("Error:Temperature heated bed switched off. MAXTEMP triggered !",
                  fault(.maxTemp, "bed", "Temperature heated bed switched off. MAXTEMP triggered !"), .prusa("Firmware/temperature.cpp")),
        // Buddy: the target glued to the reading, the heatbreak (`X:`) and the board (`A:`).
        ReplyCase(" T:25.00/0.00 B:24.00/0.00 X:25.00/0.00 A:30.00/0.00 @:0 B@:0",
                  .temperature(temps([0: reading(25, 0)], bed: reading(24, 0), other: ["X": reading(25, 0), "A": reading(30, 0)])),
                  .buddy(buddyTemperature)),
        ReplyCase(" T:214.00/215.00 B:59.00/60.00 X:38.00/40.00 A:35.00/0.00 @:90 B@:30 W:?",
                  .temperature(temps([0: reading(214, 215)], bed: reading(59, 60), other: ["X": reading(38, 40), "A": reading(35, 0)],
                                     waiting: true)), .buddy(buddyTemperature)),
    ]
}
