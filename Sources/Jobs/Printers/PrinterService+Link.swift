import Foundation
import PrinterLink

/// The link supervisor (its decisions in `LinkSupervisor`): connect, reconnect after the port went away, hand the
/// link's events to the service (`handle`) and send the lines they call for, and stop a running job (heaters off)
/// when the agent stops.
extension PrinterService {
    /// Keeps the printer connected and prepares its jobs until the task is cancelled; then stops a running job
    /// (heaters off) and closes the port.
    public func run() async {
        await withDiscardingTaskGroup { group in
            group.addTask { await self.keepLinked() }
            group.addTask { await self.prepareJobs() }
        }
        logger.info("stopped")
    }

    func keepLinked() async {
        while !Task.isCancelled {
            let port: SerialPort
            do {
                port = try SerialPort.open(path: settings.portPath, baudRate: settings.baudRate)
            } catch {
                let reason = "cannot open \(settings.portPath): \(error)"
                if supervisor.openFailed(reason) {
                    logger.warning("\(reason); trying again every \(settings.reconnectInterval)")
                }
                changeState(to: .disconnected(reason))
                try? await Task.sleep(for: settings.reconnectInterval)
                continue
            }
            supervisor.opened()
            logger.info("opened \(settings.portPath) at \(settings.baudRate) baud")
            let link = PrinterConnection(port: port, settings: settings.link, logger: logger)
            connection = link
            link.start()
            await withTaskCancellationHandler {
                // The lines the events call for go out in child tasks of this link's group: none outlives it.
                await withDiscardingTaskGroup { group in
                    for await event in link.events {
                        handle(event)
                        for followUp in supervisor.takeFollowUps() {
                            group.addTask { [logger] in await followUp.send(on: link, logger: logger) }
                        }
                        // While a cancelled job still runs its cancel script the link stays open, or the heaters stay on.
                        if Task.isCancelled, !printer.isBusyStopping { Self.closeInBackground(link) }
                    }
                }
            } onCancel: {
                Self.stopForShutdown(link)
            }
            link.close()
            connection = nil
            if case .disconnected = state {} else { changeState(to: .disconnected("the link closed")) }
            if Task.isCancelled { break }
            try? await Task.sleep(for: settings.reconnectInterval)
        }
    }

    /// Called on whatever thread cancels the service.
    nonisolated static func stopForShutdown(_ link: PrinterConnection) {
        switch LinkSupervisor.shutdown(linkState: link.snapshot().state) {
        case .cancelJobThenClose(let grace):
            link.cancel()
            DispatchQueue.global().asyncAfter(deadline: .now() + grace) { link.close() }
        case .close:
            closeInBackground(link)
        }
    }

    /// `close` waits for the link's thread; that wait belongs on no actor.
    nonisolated static func closeInBackground(_ link: PrinterConnection) {
        DispatchQueue.global().async { link.close() }
    }
}
