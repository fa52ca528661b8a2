import Logging
import Synchronization

/// Every printer the agent serves, by `serviceId`, and the one stream of notices they all write to.
/// Printers can join while it runs (a printer plugged in later); each runs until the fleet's task is cancelled.
public final class PrinterFleet: Sendable {
    public let notices: AsyncStream<PrinterNotice>
    private let noticeSink: AsyncStream<PrinterNotice>.Continuation
    private let joined: AsyncStream<PrinterService>
    private let joinSink: AsyncStream<PrinterService>.Continuation
    private let registry = Mutex<[PrinterService]>([])
    private let logger: Logger
    public let support: JobSupport

    public init(support: JobSupport = .inMemory, logger: Logger = Logger(label: "3dp-agent.printer")) {
        self.support = support
        self.logger = logger
        (notices, noticeSink) = AsyncStream.makeStream(of: PrinterNotice.self)
        (joined, joinSink) = AsyncStream.makeStream(of: PrinterService.self)
    }

    /// Adds a printer; one whose id is already served is left as it is.
    @discardableResult
    public func add(_ settings: PrinterServiceSettings) -> PrinterService {
        let (service, isNew) = registry.withLock { services -> (PrinterService, Bool) in
            if let existing = services.first(where: { $0.serviceId == settings.serviceId }) { return (existing, false) }
            let service = PrinterService(settings: settings, notices: noticeSink, support: support, logger: logger)
            services.append(service)
            return (service, true)
        }
        if isNew { joinSink.yield(service) }
        return service
    }

    public var services: [PrinterService] { registry.withLock { $0 } }

    public func service(_ serviceId: String) -> PrinterService? {
        registry.withLock { $0.first { $0.serviceId == serviceId } }
    }

    /// Runs every printer, those that join later too, until cancelled; returns when all have stopped.
    public func run() async {
        await withDiscardingTaskGroup { group in
            for await service in joined {
                group.addTask { await service.run() }
            }
        }
        noticeSink.finish()
    }
}

extension PrinterFleet {
    /// Finished jobs, newest first, from the queue's database (it keeps more than each printer's memory does).
    public func history(serviceId: String?, limit: Int) async throws(PrinterServiceError) -> [PrintJob] {
        do {
            return try support.store.history(serviceId: serviceId, limit: limit)
        } catch {
            throw .invalidOperation("the print queue database failed: \(error)")
        }
    }
}
