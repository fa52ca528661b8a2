import Foundation
import Jobs
import Logging
import Synchronization
import ThreeDPProtocol

/// Turns what the printers report into 3DP-1 callbacks: each notice rendered and encoded once, then handed to
/// the hub for every subscriber. While a printer prints (or is paused mid-job) a `printer.status` goes out every
/// `statusInterval` too, so that a Manager's view never goes stale (at least 1 Hz by default).
public final class CallbackPublisher: Sendable {
    public let fleet: PrinterFleet
    public let hub: EventHub
    public let statusInterval: Duration
    public let pollSubscriptionTTL: Duration
    let logger: Logger
    /// The state each printer's last `printer.status` callback carried: a state change that came before the
    /// first measurement is announced with that measurement.
    private let announcedState = Mutex<[String: String]>([:])

    public init(fleet: PrinterFleet, hub: EventHub, statusInterval: Duration = .seconds(1),
                pollSubscriptionTTL: Duration = .seconds(120), logger: Logger = Logger(label: "3dp-agent.events")) {
        self.fleet = fleet
        self.hub = hub
        self.statusInterval = statusInterval
        self.pollSubscriptionTTL = pollSubscriptionTTL
        self.logger = logger
    }

    /// Runs until the task is cancelled. The printers may stop first (a shutdown stops them before the endpoint):
    /// the end of their notices does not end this, so that a service group sees it end only when asked to.
    public func run() async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.publishNotices() }
            group.addTask { await self.publishStatusWhilePrinting() }
            await group.waitForAll()
        }
    }

    private func publishNotices() async {
        for await notice in fleet.notices {
            await publish(notice)
        }
    }

    private func publishStatusWhilePrinting() async {
        var sinceExpiry: Duration = .zero
        // Deadlines on a fixed grid: the time a round takes does not stretch the interval.
        var next = ContinuousClock.now
        while !Task.isCancelled {
            next += statusInterval
            do { try await Task.sleep(until: next, clock: .continuous) } catch { return }
            for service in fleet.services {
                let report = await service.statusReport()
                switch report.state {
                case .printing, .pausing, .paused, .cancelling: await publishStatus(report, service: service)
                default: break
                }
            }
            sinceExpiry += statusInterval
            if sinceExpiry >= .seconds(5) {
                sinceExpiry = .zero
                let expired = hub.expirePolled(olderThan: pollSubscriptionTTL)
                if expired > 0 { logger.info("dropped \(expired) long-polling subscriptions nobody polled") }
            }
        }
    }

    func publish(_ notice: PrinterNotice) async {
        let serviceId = notice.serviceId
        switch notice {
        case .stateChanged:
            guard let service = fleet.service(serviceId) else { return }
            await publishStatus(await service.statusReport(), service: service)
        case .connected:
            break
        case .temperature(_, let report, let measuredAt):
            if let service = fleet.service(serviceId) {
                let status = await service.statusReport()
                if announcedState.withLock({ $0[serviceId] }) != PrinterStatus.stateName(status.state) {
                    await publishStatus(status, service: service)
                }
            }
            var result = PrinterStatus.temperatures(report)
            result["serviceId"] = .string(serviceId)
            result["measuredAt"] = .string(Timestamps.string(measuredAt))
            send(.printerTemperature, serviceId, .object(result))
        case .jobProgress(let job):
            send(.jobProgress, serviceId, .object([
                "serviceId": .string(serviceId),
                "jobId": .string(job.id),
                "progress": .number((job.progress * 1000).rounded() / 1000),
                "confirmedLines": .integer(Int64(job.confirmedLines)),
                "totalLines": .integer(Int64(job.totalLines)),
                "lastConfirmedFileLine": .integer(Int64(job.lastConfirmedFileLine)),
                "bytesDownloaded": .integer(job.bytesDownloaded),
                "contentSize": .integer(job.content?.size ?? 0),
                "stage": JobDetailsView.stage(job),
                "slicing": JobDetailsView.slicing(job),
                "printing": JobDetailsView.printing(job),
            ]))
        case .jobState(let job):
            let order = await fleet.service(serviceId)?.order(of: job.id) ?? 0
            send(.jobState, serviceId, .object(["serviceId": .string(serviceId), "job": JobView.json(job, order: order)]))
        case .queueChanged(_, let jobs):
            send(.queueChanged, serviceId, .object(["serviceId": .string(serviceId), "queue": JobView.queue(jobs)]))
        case .fault(_, let kind, let message, let at):
            send(.printerError, serviceId, .object([
                "serviceId": .string(serviceId), "kind": .string(kind.rawValue), "message": .string(message),
                "at": .string(Timestamps.string(at)),
            ]))
        case .message(_, let kind, let text, let at):
            send(.printerMessage, serviceId, .object([
                "serviceId": .string(serviceId), "kind": .string(kind.rawValue), "text": .string(text),
                "at": .string(Timestamps.string(at)),
            ]))
        }
    }

    /// A status needs a measurement (7.3.2): before the first temperature report there is none to send.
    private func publishStatus(_ report: PrinterStatusReport, service: PrinterService) async {
        var order = 1
        if let job = report.job { order = await service.order(of: job.id) }
        guard let status = PrinterStatus.make(report, jobOrder: order) else { return }
        announcedState.withLock { $0[report.serviceId] = PrinterStatus.stateName(report.state) }
        send(.printerStatus, report.serviceId, status)
    }

    private func send(_ topic: CallbackTopic, _ serviceId: String, _ result: JSONValue) {
        var writer = JSONWriter(reservingCapacity: 512)
        do {
            try writer.write(result)
        } catch {
            logger.error("a \(topic.rawValue) callback could not be encoded: \(error)")
            return
        }
        hub.publish(topic, serviceId: serviceId, result: writer.bytes)
    }
}
