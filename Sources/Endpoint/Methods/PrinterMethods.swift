import Foundation
import Jobs
import PrinterLink
import ThreeDPProtocol

/// `printer.info`, `printer.attributes`, `printer.status` (3D-HSF-01), and the console: `printer.gcode` and
/// `printer.emergencyStop`.
enum PrinterMethods {
    /// Lines per `printer.gcode` call: a console, not a way to stream a print past the queue.
    static let maxConsoleLines = 32

    static func register(into table: inout MethodTable, context: EndpointContext) {
        table.register("printer.info") { request, _ in
            try request.allowingOnly(["serviceId"])
            let service = try context.service(request)
            let identity = await service.firmwareIdentity
            return PrinterInfo(identity: identity, usb: service.settings.usb, overrides: service.settings.overrides,
                               portName: service.settings.portPath).json
        }

        table.register("printer.attributes") { request, _ in
            try request.allowingOnly(["serviceId"])
            let service = try context.service(request)
            return try attributes(service: service, identity: await service.firmwareIdentity, board: context.board,
                                  spoolPath: context.spoolPath)
        }

        table.register("printer.status") { request, _ in
            try request.allowingOnly(["serviceId"])
            let service = try context.service(request)
            let report = await service.statusReport()
            guard let status = PrinterStatus.make(report) else {
                // The one-shot policy (7.3.2): nothing measured yet is "data not present", not a made-up value.
                throw JSONRPCError.dataNotPresent(.string("the printer has not reported its temperatures yet"))
            }
            return status
        }

        table.register("printer.gcode") { request, _ in
            try request.allowingOnly(["serviceId", "lines"])
            let service = try context.service(request)
            let lines = try request.strings("lines")
            guard (1...maxConsoleLines).contains(lines.count) else {
                throw JSONRPCError.invalidParams("parameter \"lines\" must hold 1 to \(maxConsoleLines) lines")
            }
            for (index, line) in lines.enumerated() {
                if line.contains(where: { $0 == "\n" || $0 == "\r" }) {
                    throw JSONRPCError.invalidParams("lines[\(index)] holds a line break; send one command per line")
                }
                if line.utf8.count > service.settings.link.maxLineLength {
                    throw JSONRPCError.invalidParams("lines[\(index)] is longer than the firmware accepts (\(service.settings.link.maxLineLength) bytes)")
                }
            }
            do throws(PrinterServiceError) {
                let answers = try await service.send(lines: lines)
                return .object(["responses": .array(answers.map { answer in
                    .object(["line": .string(answer.line), "replies": .array(answer.replies.map(JSONValue.string))])
                })])
            } catch {
                throw JSONRPCError.from(error)
            }
        }

        table.register("printer.emergencyStop") { request, caller in
            try request.allowingOnly(["serviceId"])
            let service = try context.service(request)
            context.logger.warning("emergency stop of \(service.serviceId) requested", metadata: ["client": "\(caller.clientID ?? "?")"])
            do throws(PrinterServiceError) {
                return .object(["state": .string(PrinterStatus.stateName(try await service.emergencyStop()))])
            } catch {
                throw JSONRPCError.from(error)
            }
        }
    }

    /// Printer type and size (from M211 when the firmware reports it, else the configuration), and the board's
    /// network, memory and spool storage (3D-HSF-01.2).
    static func attributes(service: PrinterService, identity: FirmwareIdentity?, board: any BoardFacts,
                           spoolPath: String) throws(JSONRPCError) -> JSONValue {
        var printSize = JSONValue.null
        if let volume = identity?.buildVolume {
            printSize = size(x: volume.max.x - volume.min.x, y: volume.max.y - volume.min.y, z: volume.max.z - volume.min.z,
                             source: "firmware")
        } else if let volume = service.settings.buildVolume {
            printSize = size(x: volume.x, y: volume.y, z: volume.z, source: "config")
        }
        let resources: BoardResources
        do {
            resources = try board.resources(spoolPath: spoolPath)
        } catch {
            throw .fatal(.string("the board's attributes cannot be read: \(error)"))
        }
        return .object([
            "printerType": .string("FFF"),
            "printSize": printSize,
            "network": .array(resources.network.map { interface in
                .object([
                    "name": .string(interface.name),
                    "macAddress": interface.macAddress.map(JSONValue.string) ?? .null,
                    "up": .bool(interface.isUp),
                    "addresses": .array(interface.addresses.map(JSONValue.string)),
                ])
            }),
            "memory": .object([
                "totalBytes": .integer(Int64(clamping: resources.memoryTotalBytes)),
                "availableBytes": .integer(Int64(clamping: resources.memoryAvailableBytes)),
            ]),
            "storage": .object([
                "path": .string(resources.storagePath),
                "totalBytes": .integer(Int64(clamping: resources.storageTotalBytes)),
                "availableBytes": .integer(Int64(clamping: resources.storageAvailableBytes)),
            ]),
        ])
    }

    static func size(x: Double, y: Double, z: Double, source: String) -> JSONValue {
        .object(["x": .number(x), "y": .number(y), "z": .number(z), "unit": .string("mm"), "source": .string(source)])
    }
}
