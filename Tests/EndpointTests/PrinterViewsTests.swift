import Endpoint
import Foundation
import GCode
import Jobs
import PrinterLink
import Testing
@testable import ThreeDPProtocol
@testable import ThreeDPSchemaValidation

@Suite struct PrinterInfoTests {
    static let marlin = FirmwareInfo(fields: [
        ("FIRMWARE_NAME", "Marlin 2.1.2.4 (Sep 13 2023 15:43:22)"), ("SOURCE_CODE_URL", "github.com/MarlinFirmware/Marlin"),
        ("PROTOCOL_VERSION", "1.0"), ("MACHINE_TYPE", "Ender-3 V2"), ("EXTRUDER_COUNT", "1"),
        ("UUID", "cede2a2f-41a2-4748-9b12-c55c62f367ff"),
    ])
    static let rrf = FirmwareInfo(fields: [
        ("FIRMWARE_NAME", "RepRapFirmware for Duet 2 WiFi/Ethernet"), ("FIRMWARE_VERSION", "3.4.5"),
        ("ELECTRONICS", "Duet WiFi 1.02 or later"), ("FIRMWARE_DATE", "2022-11-30"),
    ])
    static let ch340 = USBIdentity(manufacturer: nil, product: "USB Serial", serialNumber: nil, vendorID: "1a86", productID: "7523")

    @Test func fillsEveryFieldFromFirmwareAndUSB() {
        let info = PrinterInfo(identity: FirmwareIdentity(info: Self.marlin), usb: Self.ch340, portName: "ttyUSB0")
        #expect(info.productName == "Ender-3 V2")
        #expect(info.manufacturer == "")
        #expect(info.modelNumber == "1a86:7523")
        #expect(info.firmwareRevision == "Marlin 2.1.2.4 (Sep 13 2023 15:43:22)")
        #expect(info.protocolRevision == "1.0")
        #expect(info.systemID == "cede2a2f-41a2-4748-9b12-c55c62f367ff")
        #expect(info.serialNumber == "")
    }

    @Test func repRapFirmwareGivesItsVersionAndElectronics() {
        let info = PrinterInfo(identity: FirmwareIdentity(info: Self.rrf), usb: nil, portName: "ttyACM0")
        #expect(info.firmwareRevision == "RepRapFirmware for Duet 2 WiFi/Ethernet 3.4.5")
        #expect(info.hardwareRevision == "Duet WiFi 1.02 or later")
        // Nothing names the product: the agent makes a name (HD-HLF-09).
        #expect(info.productName == "3D printer on ttyACM0")
    }

    @Test func theOwnersConfigurationWinsAndAZeroUUIDIdentifiesNothing() {
        var fields = Self.marlin.fields
        fields[5] = ("UUID", "00000000-0000-0000-0000-000000000000")
        let overrides = PrinterInfoOverrides(productName: "Workshop Ender", manufacturer: "Creality", partNumber: "ENDER3V2-EU")
        let info = PrinterInfo(identity: FirmwareIdentity(info: FirmwareInfo(fields: fields)),
                               usb: USBIdentity(manufacturer: "QinHeng", serialNumber: "A1B2"), overrides: overrides, portName: "ttyUSB0")
        #expect(info.productName == "Workshop Ender")
        #expect(info.manufacturer == "Creality")
        #expect(info.partNumber == "ENDER3V2-EU")
        #expect(info.serialNumber == "A1B2")
        #expect(info.systemID == "")
    }

    @Test func everyFieldIsAStringInTheJSON() {
        let info = PrinterInfo(identity: nil, usb: nil, portName: "ttyACM0")
        guard case .object(let object) = info.json else {
            Issue.record("printer.info is an object")
            return
        }
        #expect(object.count == 10)
        for (key, value) in object {
            guard case .string = value else {
                Issue.record("\(key) is not a string")
                continue
            }
        }
        #expect(object["productName"] == .string("3D printer on ttyACM0"))
    }
}

@Suite struct PrinterStatusTests {
    static let measured = Date(timeIntervalSince1970: 1_795_000_000.25)

    static func report(_ state: PrinterState, temperature: TemperatureReport?, job: PrintJob? = nil) -> PrinterStatusReport {
        PrinterStatusReport(serviceId: "mk3", state: state, temperature: temperature,
                            measuredAt: temperature == nil ? nil : measured, job: job, queuedJobs: 2,
                            reportedAt: measured.addingTimeInterval(0.5))
    }

    @Test func thereIsNoStatusBeforeTheFirstMeasurement() {
        #expect(PrinterStatus.make(Self.report(.ready, temperature: nil)) == nil)
    }

    @Test func reportsStateTemperaturesJobQueueAndTime() throws {
        var job = PrintJob(id: "job-1", serviceId: "mk3", name: "benchy", contentURI: "file:///spool/benchy.gcode",
                           state: .printing, totalLines: 1000, createdAt: Self.measured)
        job.confirmedLines = 250
        job.progress = 0.25
        let temperature = TemperatureReport(
            hotends: [0: .init(actual: 209.87, target: 210), 1: .init(actual: 25, target: nil)],
            bed: .init(actual: 59.96, target: 60))
        let status = try #require(PrinterStatus.make(Self.report(.printing, temperature: temperature, job: job)))
        #expect(status["state"] == .string("printing"))
        #expect(status["serviceId"] == .string("mk3"))
        #expect(status["measuredAt"]?.stringValue == Timestamps.string(Self.measured))
        #expect(status["reportedAt"]?.stringValue == Timestamps.string(Self.measured.addingTimeInterval(0.5)))
        #expect(status["timestampFromAgent"] == .bool(true))
        #expect(status["bed"]?["actual"] == .number(60))
        #expect(status["nozzles"]?[0]?["actual"] == .number(209.9))
        #expect(status["nozzles"]?[1]?["target"] == .null)
        #expect(status["job"]?["confirmedLines"] == .integer(250))
        #expect(status["job"]?["progress"] == .number(0.25))
        #expect(status["queuedJobs"] == .integer(2))
        #expect(status["chamber"] == .null)
        #expect(ThreeDPSchema.validateResult(method: "printer.status", status).isEmpty)
    }

    @Test(arguments: [
        (PrinterState.ready, "idle", nil as String?),
        (.halted("Thermal Runaway"), "halted", "Thermal Runaway"),
        (.disconnected("link lost: unplugged"), "disconnected", "link lost: unplugged"),
        (.paused, "paused", nil),
    ])
    func namesTheOperatingState(state: PrinterState, name: String, detail: String?) {
        let status = PrinterStatus.make(Self.report(state, temperature: TemperatureReport(hotends: [0: .init(actual: 22, target: 0)])))
        #expect(status?["state"] == .string(name))
        #expect(status?["stateDetail"] == detail.map { .string($0) })
        #expect(status?["job"] == .null)
    }
}
