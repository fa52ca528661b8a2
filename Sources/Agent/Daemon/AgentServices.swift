import Board
import AgentConfig
import Endpoint
import Foundation
import Jobs
import Logging
import ServiceLifecycle

/// The printers as one service: on shutdown each cancels its job (heaters off) and closes its port.
struct FleetService: Service {
    let fleet: PrinterFleet

    func run() async throws {
        await cancelWhenGracefulShutdown { await fleet.run() }
    }
}

/// Printer notices to callbacks, and the status ticker.
struct CallbackService: Service {
    let publisher: CallbackPublisher

    func run() async throws {
        await cancelWhenGracefulShutdown { await publisher.run() }
    }
}

/// Looks for printers plugged in after the start (udev starts the agent with the first one; a second printer
/// plugged in later joins here).
struct PrinterDiscoveryService: Service {
    let fleet: PrinterFleet
    let configuration: AgentConfiguration
    let interval: Duration
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    for settings in try PrinterRoster.detected(configuration: configuration)
                    where fleet.service(settings.serviceId) == nil {
                        logger.info("printer found on \(settings.portPath)", metadata: ["serviceId": "\(settings.serviceId)"])
                        fleet.add(settings)
                    }
                } catch {
                    logger.warning("listing serial devices failed: \(error)")
                }
                do { try await Task.sleep(for: interval) } catch { return }
            }
        }
    }
}

/// Ends the clients when the agent stops: WebSocket sessions and long polls would otherwise hold the HTTP server's
/// graceful shutdown open (and the printers' behind it) for as long as a Manager stays connected. Listed after
/// the server, so the group shuts it down first.
struct ClientFarewellService: Service {
    let hub: EventHub

    func run() async throws {
        try? await gracefulShutdown()
        await hub.closeAll(reason: "the agent is shutting down")
    }
}

/// Ends the open sessions of a Manager revoked by `3dp-agent pair --revoke` (another process) or by this one.
struct RevocationService: Service {
    let watch: RevocationWatch

    func run() async throws {
        await cancelWhenGracefulShutdown { await watch.run() }
    }
}
