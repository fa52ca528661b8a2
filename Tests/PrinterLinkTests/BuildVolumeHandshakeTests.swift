import GCode
import Testing
@testable import PrinterLink

/// The build volume a real Marlin 2.1 reports during the handshake (issue 10: `printer.attributes` said "print size
/// unknown"). The lines are Marlin 2.1's own (see `Tests/GCodeTests/MarlinReplyTable.swift`).
@Suite struct BuildVolumeHandshakeTests {
    static let firmwareName = "FIRMWARE_NAME:Marlin bugfix-2.1.x (Dec  4 2026 12:00:00) SOURCE_CODE_URL:github.com/MarlinFirmware/Marlin PROTOCOL_VERSION:1.0 MACHINE_TYPE:3D Printer EXTRUDER_COUNT:1 UUID:cede2a2f-41a2-4748-9b12-c55c62f367ff"

    struct Handshake: Sendable, CustomTestStringConvertible {
        var name: String
        var m115: [String]
        var m211: [String]
        var expected: SoftEndstops?
        var testDescription: String { name }
    }

    static let volume200 = SoftEndstops(enabled: nil, min: .init(x: 0, y: 0, z: 0), max: .init(x: 200, y: 200, z: 200))
    static let area = "area:{full:{min:{x:-5.00,y:-8.00,z:0.00},max:{x:240.00,y:235.00,z:250.00}},work:{min:{x:0.00,y:0.00,z:0.00},max:{x:235.00,y:235.00,z:250.00}}}"

    static let handshakes: [Handshake] = [
        Handshake(name: "Marlin 2.1: M211 answers in two lines", m115: [firmwareName, "Cap:AUTOREPORT_TEMP:1"],
                  m211: ["  M211 S1 ; ON", "  Min:  X0.00 Y0.00 Z0.00   Max:  X200.00 Y200.00 Z200.00"], expected: volume200),
        Handshake(name: "Marlin 2.1 without soft endstops: the M115 area line alone", m115: [firmwareName, "Cap:AUTOREPORT_TEMP:1", area],
                  m211: ["echo:Unknown command: \"M211\""],
                  expected: SoftEndstops(enabled: nil, min: .init(x: 0, y: 0, z: 0), max: .init(x: 235, y: 235, z: 250))),
        Handshake(name: "both: M211, asked last, is the current limit", m115: [firmwareName, area],
                  m211: ["  M211 S1 ; ON", "  Min:  X0.00 Y0.00 Z0.00   Max:  X200.00 Y200.00 Z200.00"], expected: volume200),
        Handshake(name: "Marlin 2.0: one echo line", m115: [firmwareName],
                  m211: ["echo:Soft endstops: ON  Min:  X0.00 Y0.00 Z0.00   Max:  X220.00 Y220.00 Z250.00"],
                  expected: SoftEndstops(enabled: true, min: .init(x: 0, y: 0, z: 0), max: .init(x: 220, y: 220, z: 250))),
        Handshake(name: "Prusa MK3: no M211, no area", m115: ["FIRMWARE_NAME:Prusa-Firmware 3.13.2 based on Marlin FIRMWARE_URL:https://github.com/prusa3d/Prusa-Firmware PROTOCOL_VERSION:1.0 MACHINE_TYPE:Prusa i3 MK3S EXTRUDER_COUNT:1 UUID:00000000-0000-0000-0000-000000000000"],
                  m211: ["Unknown M code: M211"], expected: nil),
    ]

    @Test(arguments: handshakes)
    func theVolumeComesFromWhatTheFirmwareSays(_ handshake: Handshake) {
        var t = Transcript()
        t.open()
        #expect(t.takeCommands() == ["M110 N0"])
        t.firmware("ok")
        #expect(t.takeCommands() == ["M115", "M211"])
        for line in handshake.m115 { t.firmware(line) }
        t.firmware("ok")
        for line in handshake.m211 { t.firmware(line) }
        t.firmware("ok")
        #expect(t.machine.state == .ready)
        #expect(t.machine.identity.buildVolume == handshake.expected)
    }
}
