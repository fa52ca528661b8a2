@testable import GCode

/// RepRapFirmware 3.x in Marlin emulation (Duet3D/RepRapFirmware): `src/GCodes/GCodes.cpp`
/// `GenerateTemperatureReport` (the current tool's heaters as `T:c /t`, then every tool as `T<n>:c /t` with a tool's
/// further heaters listed bare, then `B:`/`B<n>:` and `C:`/`C<n>:`, one decimal, no heater powers), `src/GCodes/GCodes2.cpp`
/// case 115 (`FIRMWARE_NAME: %s FIRMWARE_VERSION: %s ELECTRONICS: %s … FIRMWARE_DATE: %s`, a space after each colon).
/// Its `Error: `/`Warning: ` wordings were not read in its source; they are in `EdgeCaseReplyTable`.
enum RepRapReplyTable {
    static let gcodes = "src/GCodes/GCodes.cpp"
    static let gcodes2 = "src/GCodes/GCodes2.cpp"

    static let all: [ReplyCase] = [
        ReplyCase("T:24.3 /0.0 T0:24.3 /0.0 B:23.9 /0.0",
                  .temperature(temps([0: reading(24.3, 0)], bed: reading(23.9, 0))), .reprap(gcodes)),
        // No tool selected: only the numbered tools.
        ReplyCase("T0:24.3 /0.0 T1:23.8 /0.0 B:23.9 /0.0",
                  .temperature(temps([0: reading(24.3, 0), 1: reading(23.8, 0)], bed: reading(23.9, 0))), .reprap(gcodes)),
        // A tool with two heaters: the second reading follows bare; two beds and a chamber.
        ReplyCase("T:200.0 /200.0 201.5 /200.0 T0:200.0 /200.0 201.5 /200.0 B:60.0 /60.0 B1:59.5 /60.0 C:30.0 /40.0",
                  .temperature(temps([0: reading(200, 200)], bed: reading(60, 60), chamber: reading(30, 40),
                                     other: ["B1": reading(59.5, 60)])), .reprap(gcodes)),
        ReplyCase("ok T:19.9 /0.0 B:20.1 /0.0",
                  .ok(Acknowledgement(temperatures: temps([0: reading(19.9, 0)], bed: reading(20.1, 0)))), .reprap(gcodes)),
        // An open thermistor reads -273.1.
        ReplyCase("T:-273.1 /0.0 B:20.1 /0.0", .temperature(temps([0: reading(-273.1, 0)], bed: reading(20.1, 0))), .reprap(gcodes)),
        ReplyCase("FIRMWARE_NAME: RepRapFirmware for Duet 3 MB6HC FIRMWARE_VERSION: 3.5.1 ELECTRONICS: Duet 3 MB6HC v1.01 FIRMWARE_DATE: 2024-04-19 14:40:46",
                  .firmwareInfo(FirmwareInfo(fields: [
                      ("FIRMWARE_NAME", "RepRapFirmware for Duet 3 MB6HC"),
                      ("FIRMWARE_VERSION", "3.5.1"),
                      ("ELECTRONICS", "Duet 3 MB6HC v1.01"),
                      ("FIRMWARE_DATE", "2024-04-19 14:40:46"),
                  ])), .reprap(gcodes2)),
        ReplyCase("FIRMWARE_NAME: RepRapFirmware for Duet 2 WiFi/Ethernet FIRMWARE_VERSION: 3.4.5 ELECTRONICS: Duet WiFi 1.02 or later + DueX5 FIRMWARE_DATE: 2022-11-30",
                  .firmwareInfo(FirmwareInfo(fields: [
                      ("FIRMWARE_NAME", "RepRapFirmware for Duet 2 WiFi/Ethernet"),
                      ("FIRMWARE_VERSION", "3.4.5"),
                      ("ELECTRONICS", "Duet WiFi 1.02 or later + DueX5"),
                      ("FIRMWARE_DATE", "2022-11-30"),
                  ])), .reprap(gcodes2)),
    ]
}
