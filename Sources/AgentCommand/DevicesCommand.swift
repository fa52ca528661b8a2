import ArgumentParser
import Board
import Foundation

/// `3dp-agent devices`: the serial ports of this board and what is plugged into them.
struct DevicesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "devices",
        abstract: "List serial devices (USB vendor:product, manufacturer, model, serial, by-id link).",
        discussion: """
            Likely 3D printers are marked with '*'. Use the /dev/serial/by-id path with --port: \
            unlike /dev/ttyACM0 it does not change when the printer is re-plugged.
            """
    )

    @Flag(name: .long, help: "Include serial ports that are not on USB (on-board UARTs such as ttyS0, ttyAMA0).")
    var all = false

    @Flag(name: .long, help: "Print the devices as JSON.")
    var json = false

    func run() throws {
        let devices = try SerialDeviceEnumerator.list(includeNonUSB: all)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            let data = try encoder.encode(devices)
            print(String(decoding: data, as: UTF8.self))
        } else {
            print(SerialDeviceReport.text(for: devices, includesNonUSB: all), terminator: "")
        }
    }
}
