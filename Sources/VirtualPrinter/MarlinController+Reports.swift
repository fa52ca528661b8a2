/// The firmware's reports, in Marlin 2.1's wording, as its sources print them (MarlinFirmware/Marlin:
/// `Marlin/src/module/temperature.cpp`, `Marlin/src/gcode/host/M115.cpp`, `M211.cpp`, `Marlin/src/core/language.h`,
/// `Marlin/src/feature/host_actions.cpp`); `Tests/GCodeTests/MarlinReplyTable.swift` holds the same lines.
extension MarlinController {
    static let firmwareVersion = "2.1.2.4"

    /// Marlin's `print_heater_states`: ` T:21.88 /0.00 B:22.02 /0.00 @:0 B@:0`, with `T0:`…`Tn:` and `@0:`…`@n:`
    /// after the active tool's pair when there are several hotends. No line ending: M105 prefixes `ok`, M109
    /// appends ` W:`.
    mutating func appendTemperatureReport(tool: Int) {
        output.appendASCII(" T:")
        output.appendFixed2(hotends[tool].temperature)
        output.appendASCII(" /")
        output.appendFixed2(hotends[tool].target)
        output.appendASCII(" B:")
        output.appendFixed2(bed.temperature)
        output.appendASCII(" /")
        output.appendFixed2(bed.target)
        if hotends.count > 1 {
            for index in hotends.indices {
                output.appendASCII(" T")
                output.appendDecimal(index)
                output.append(UInt8(ascii: ":"))
                output.appendFixed2(hotends[index].temperature)
                output.appendASCII(" /")
                output.appendFixed2(hotends[index].target)
            }
        }
        output.appendASCII(" @:")
        output.appendDecimal(hotends[tool].power)
        output.appendASCII(" B@:")
        output.appendDecimal(bed.power)
        if hotends.count > 1 {
            for index in hotends.indices {
                output.appendASCII(" @")
                output.appendDecimal(index)
                output.append(UInt8(ascii: ":"))
                output.appendDecimal(hotends[index].power)
            }
        }
    }

    /// M114: `X:0.00 Y:0.00 Z:0.00 E:0.00 Count X:0 Y:0 Z:0` (80/80/400 steps per mm, Marlin's defaults).
    mutating func reportPosition() {
        output.appendASCII("X:")
        output.appendFixed2(position.x)
        output.appendASCII(" Y:")
        output.appendFixed2(position.y)
        output.appendASCII(" Z:")
        output.appendFixed2(position.z)
        output.appendASCII(" E:")
        output.appendFixed2(position.e)
        output.appendASCII(" Count X:")
        output.appendDecimal(Int((position.x * 80).rounded()))
        output.appendASCII(" Y:")
        output.appendDecimal(Int((position.y * 80).rounded()))
        output.appendASCII(" Z:")
        output.appendDecimal(Int((position.z * 400).rounded()))
        output.append(UInt8(ascii: "\n"))
    }

    /// M115: the FIRMWARE_NAME line, then EXTENDED_CAPABILITIES_REPORT's `Cap:` lines in Marlin's order.
    mutating func reportFirmware() {
        output.appendText(
            "FIRMWARE_NAME:Marlin \(Self.firmwareVersion) (3dp-agent virtual printer) "
                + "SOURCE_CODE_URL:github.com/MarlinFirmware/Marlin PROTOCOL_VERSION:1.0 "
                + "MACHINE_TYPE:\(configuration.machineType) EXTRUDER_COUNT:\(hotends.count) UUID:\(configuration.uuid)\n"
        )
        let capabilities: [(String, Bool)] = [
            ("SERIAL_XON_XOFF", false),
            ("BINARY_FILE_TRANSFER", false),
            ("EEPROM", true),
            ("VOLUMETRIC", true),
            ("AUTOREPORT_POS", false),
            ("AUTOREPORT_TEMP", configuration.autoreportTemperature),
            ("PROGRESS", false),
            ("PRINT_JOB", true),
            ("AUTOLEVEL", true),
            ("RUNOUT", false),
            ("Z_PROBE", true),
            ("LEVELING_DATA", true),
            ("BUILD_PERCENT", true),
            ("SOFTWARE_POWER", false),
            ("TOGGLE_LIGHTS", false),
            ("CASE_LIGHT_BRIGHTNESS", false),
            ("EMERGENCY_PARSER", configuration.emergencyParser),
            ("HOST_ACTION_COMMANDS", true),
            ("PROMPT_SUPPORT", true),
            ("SDCARD", false),
            ("REPEAT", false),
            ("SD_WRITE", false),
            ("AUTOREPORT_SD_STATUS", false),
            ("LONG_FILENAME", false),
            ("EXTENDED_M20", false),
            ("THERMAL_PROTECTION", true),
            ("MOTION_MODES", false),
            ("ARCS", true),
            ("BABYSTEPPING", false),
            ("CHAMBER_TEMPERATURE", false),
            ("COOLER_TEMPERATURE", false),
            ("MEATPACK", false),
            ("CONFIG_EXPORT", false),
        ]
        for (name, enabled) in capabilities {
            output.appendText("Cap:\(name):\(enabled ? 1 : 0)\n")
        }
        reportPrintArea()
    }

    /// M211 as Marlin 2.1 answers it (`M211_report` "for replay": no `echo:`): the state, then the limits with
    /// STR_SOFT_MIN/STR_SOFT_MAX's two leading spaces and `print_pos`'s space before each axis.
    mutating func reportSoftEndstops() {
        output.appendASCII("  M211 S")
        output.appendASCII(softEndstopsEnabled ? "1 ; ON\n" : "0 ; OFF\n")
        output.appendASCII("  Min:  X0.00 Y0.00 Z0.00   Max:  X")
        appendVolumeTriple(x: " Y", y: " Z")
        output.append(UInt8(ascii: "\n"))
    }

    /// M115_GEOMETRY_REPORT's line after the `Cap:` lines. The virtual machine travels exactly its build volume, so the
    /// full and the work area are the same box.
    mutating func reportPrintArea() {
        for (index, box) in ["full", "work"].enumerated() {
            output.appendASCII(index == 0 ? "area:{" : ",")
            output.appendText("\(box):{min:{x:0.00,y:0.00,z:0.00},max:{x:")
            appendVolumeTriple(x: ",y:", y: ",z:")
            output.appendASCII("}}")
        }
        output.appendASCII("}\n")
    }

    /// The build volume's x, y and z with two decimals, `x` and `y` being what follows each of the first two.
    private mutating func appendVolumeTriple(x afterX: StaticString, y afterY: StaticString) {
        output.appendFixed2(configuration.buildVolume.x)
        output.appendASCII(afterX)
        output.appendFixed2(configuration.buildVolume.y)
        output.appendASCII(afterY)
        output.appendFixed2(configuration.buildVolume.z)
    }

    /// What Marlin prints after a reset, `start` first.
    mutating func appendBootBanner() {
        output.appendASCII("start\n")
        output.appendText("echo:Marlin \(Self.firmwareVersion)\n")
        output.appendASCII("echo: Last Updated: 2024-06-07 | Author: (3dp-agent virtual printer)\n")
        output.appendASCII("echo:Compiled: Jun  7 2024\n")
        output.appendASCII("echo: Free Memory: 5178  PlannerBufferBytes: 1408\n")
        output.appendASCII("echo:V86 stored settings retrieved (662 bytes; crc 31958)\n")
        // HOST_STATUS_NOTIFICATIONS: the LCD's welcome message goes to the host as well (`ui.reset_status()`), and
        // `setup()` ends any prompt a host may still show from before the reset (`hostui.prompt_end()`).
        output.appendText("//action:notification \(configuration.machineType) Ready.\n")
        output.appendASCII("//action:prompt_end\n")
    }
}
