import CivilTime
import Foundation
import Jobs
import PrinterLink
import ThreeDPProtocol

/// `service.discover` (7.2.1) and `agent.time` (HD-HLF-03..07): open to anyone, so that a Manager can find the
/// agent and check its clock before pairing.
enum AgentMethods {
    static func register(into table: inout MethodTable, context: EndpointContext) {
        table.register("service.discover", access: .open) { request, _ in
            try request.allowingOnly([])
            var services: [JSONValue] = []
            for service in context.fleet.services {
                let state = await service.currentState
                let identity = await service.firmwareIdentity
                services.append(.object([
                    "serviceId": .string(service.serviceId),
                    "name": .string(displayName(service.settings, identity: identity)),
                    "online": .bool(await service.isOnline),
                    "state": .string(PrinterStatus.stateName(state)),
                    "port": .string(service.settings.portPath),
                ]))
            }
            return .object([
                "agent": .object([
                    "name": .string(context.agent.name),
                    "version": .string(context.agent.version),
                    "apiVersion": .string("1.0"),
                    "systemId": .string(context.agent.systemId),
                ]),
                "services": .array(services),
            ])
        }

        table.register("agent.time", access: .open) { request, _ in
            try request.allowingOnly([])
            let now = Date()
            let clock: BoardClock
            do {
                clock = try context.board.clock(now: now)
            } catch {
                throw JSONRPCError.fatal(.string("the kernel's clock status cannot be read: \(error)"))
            }
            return .object([
                "time": .string(ISO8601Timestamp.format(now, offset: clock.utcOffset, fractionalDigits: 3)),
                "utcOffset": .string(clock.utcOffset.designator),
                "zoneKnown": .bool(clock.utcOffset != .unknown),
                "synchronised": .bool(clock.isSynchronised),
                "maxErrorMicroseconds": .integer(Int64(clock.maxErrorMicroseconds)),
                "estimatedErrorMicroseconds": .integer(Int64(clock.estimatedErrorMicroseconds)),
            ])
        }
    }

    /// The configured name, else what the printer calls itself (the same rule as `printer.info`'s product name).
    static func displayName(_ settings: PrinterServiceSettings, identity: FirmwareIdentity?) -> String {
        if let name = settings.name, !name.isEmpty { return name }
        return PrinterInfo(identity: identity, usb: settings.usb, overrides: settings.overrides,
                           portName: settings.portPath).productName
    }
}
