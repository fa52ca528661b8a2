import Board
import AgentConfig
import Content
import Endpoint
import Foundation
import Jobs
import Logging
import Slicing
import ServiceLifecycle
import ServiceScope
import ThreeDPProtocol

/// `3dp-agent run`: every printer of the board served over 3DP-1, each long-running part a `Service` of one
/// `ServiceGroup`. SIGTERM and SIGINT shut down gracefully: the endpoint stops taking clients first, then every
/// printer cancels its job (the cancel script switches the heaters off) and closes its port, and the token
/// store's last-use times are written out.
public struct AgentDaemon: Sendable {
    public static let version = "0.3.0"
    /// What a graceful shutdown may take before the rest is cancelled: within systemd's TimeoutStopSec (30 s).
    public static let gracefulShutdownTimeout: Duration = .seconds(20)

    public let configuration: AgentConfiguration
    public let logger: Logger
    /// The printers served; jobs are queued on them (by `print.start` over 3DP-1, or directly by the wiring).
    public let fleet: PrinterFleet
    /// Fetches content for `print.start`; shut down when the run ends.
    let content: ContentClient
    let spool: URL
    /// Called with the bound port once the endpoint listens (`listen` may name port 0).
    public var onListening: @Sendable (Int) async -> Void
    /// Wait between looks for newly plugged-in printers when printers are detected rather than listed.
    public var discoveryInterval: Duration = .seconds(5)
    /// What the endpoint lets in: the connection caps and allowed origins come from `[endpoint]`, the deadlines
    /// are the built-in ones (tests shorten them).
    public var networkPolicy: EndpointNetworkPolicy
    /// The endpoint's TLS side, nil when it serves plain HTTP (`AgentConfiguration.servesTLS`).
    let tls: EndpointTLS?
    /// Whether the endpoint speaks TLS and the fingerprint of its certificate: for `pairing.complete`, the
    /// printer's display, and what the agent advertises on the network.
    public var endpointIdentity: EndpointIdentity { tls?.identity ?? .plain }

    /// Opens the state directory (created, only for the agent's user) and the queue's database in it, so that
    /// the printers' queues are restored before anything else runs. The daemon must then be `run`: the run
    /// closes the content client.
    public init(configuration: AgentConfiguration, logger: Logger = Logger(label: "3dp-agent"),
                onListening: @escaping @Sendable (Int) async -> Void = { _ in }) throws {
        self.configuration = configuration
        self.logger = logger
        self.onListening = onListening
        networkPolicy = EndpointNetworkPolicy(
            maxConnections: configuration.endpointAccess.maxConnections,
            maxConnectionsPerAddress: configuration.endpointAccess.maxConnectionsPerAddress,
            allowedOrigins: configuration.endpointAccess.allowedOrigins)
        let stateDirectory = URL(fileURLWithPath: configuration.stateDirectory, isDirectory: true)
        spool = stateDirectory.appendingPathComponent("spool", isDirectory: true)
        for directory in [stateDirectory, spool] {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        }
        // Made (or read back) before anything listens: a damaged certificate stops the start with what to do.
        tls = configuration.servesTLS
            ? try EndpointTLS(certificate: DeviceCertificateFiles(stateDirectory: stateDirectory.path)
                .loadOrCreate(hostname: ProcessInfo.processInfo.hostName, logger: logger))
            : nil
        let store = try JobStore.open(path: stateDirectory.appendingPathComponent(JobStore.fileName).path)
        if let setAside = store.setAside {
            // Loud on purpose: the queue, its holds and any interrupted job are gone; every printer's queue is held.
            logger.critical("\(setAside.description)")
        }
        SpoolAudit.run(spool: spool.path, orphans: stateDirectory.appendingPathComponent("orphans").path, store: store,
                       logger: logger)
        content = ContentClient(settings: Self.contentSettings(configuration, spool: spool.path), logger: logger)
        fleet = PrinterFleet(support: JobSupport(store: store, content: content, spoolDirectory: spool.path,
                                                 slicing: Self.slicingSupport(configuration.slicing)),
                             logger: logger)
    }

    /// The configuration's [slicing]; nil when it is `off`. Which slicer is installed is looked up per slice, so
    /// a slicer installed while the agent runs is used without a restart.
    static func slicingSupport(_ slicing: SlicingConfiguration) -> SlicingSupport? {
        let choice: SlicerChoice
        switch slicing.slicer {
        case "off": return nil
        default: choice = SlicerChoice(configured: slicing.slicer) ?? .automatic
        }
        return SlicingSupport(choice: choice, path: slicing.path,
                              limits: SlicerProcessLimits(time: slicing.timeLimit, memoryBytes: slicing.memoryLimitMegabytes << 20))
    }

    static func contentSettings(_ configuration: AgentConfiguration, spool: String) -> ContentSettings {
        ContentSettings(
            servers: configuration.contentServers,
            spoolDirectory: spool,
            spoolQuotaBytes: configuration.content.quotaMegabytes.map { Int64($0) << 20 },
            reserveBytes: Int64(configuration.content.reserveMegabytes) << 20,
            bounds: DownloadBounds(attempts: configuration.content.downloadAttempts,
                                   minimumBytesPerSecond: Int64(configuration.content.downloadMinimumRateKiB) << 10,
                                   allowance: configuration.content.downloadAllowance))
    }

    public func run() async throws {
        try await run(stopWhen: nil)
    }

    /// Runs the agent, as `3dp-agent run` would, for as long as `body` runs, handing it the endpoint's bound port;
    /// then shuts down the way SIGTERM does and waits until it has. The demo and the benchmarks run an agent so.
    /// Throws `ServiceScope.EndedBeforeReady` when the agent stopped without an error before it listened.
    public func withRunning<Result: Sendable>(_ body: (Int) async throws -> Result) async throws -> Result {
        let ready = AsyncStream.makeStream(of: Int.self)
        let stop = AsyncStream.makeStream(of: Void.self)
        var listening = self
        let onListening = self.onListening
        listening.onListening = { port in
            await onListening(port)
            ready.continuation.yield(port)
        }
        let daemon = listening
        return try await ServiceScope.run({
            try await daemon.run(stopWhen: { for await _ in stop.stream { return } })
        }, ready: ready, shutdown: { stop.continuation.yield() }, body)
    }

    /// Runs until a signal, or until `stopWhen` returns: then shuts down as gracefully as on SIGTERM.
    public func run(stopWhen: (@Sendable () async -> Void)?) async throws {
        let outcome: Result<Void, any Error>
        do {
            try await runServices(stopWhen: stopWhen)
            outcome = .success(())
        } catch {
            outcome = .failure(error)
        }
        await content.shutdown()
        try outcome.get()
    }

    private func runServices(stopWhen: (@Sendable () async -> Void)?) async throws {
        let stateDirectory = URL(fileURLWithPath: configuration.stateDirectory, isDirectory: true)
        // The paired clients live in the queue's database; an older agent's tokens.json is imported once.
        let tokens = try AccessTokenStore(database: fleet.support.store, importingFrom: stateDirectory, logger: logger)
        for entry in configuration.printers.entries {
            fleet.add(PrinterRoster.settings(for: entry, configuration: configuration))
        }
        let hub = EventHub(mailboxCapacity: configuration.events.clientQueue)
        let systemID = AgentIdentity.systemID()
        let context = EndpointContext(
            agent: AgentDescription(name: configuration.name, version: Self.version, systemId: systemID),
            fleet: fleet, tokens: tokens, hub: hub, spoolPath: spool.path,
            pollSubscriptionTTL: configuration.events.pollSubscriptionTTL,
            contentServers: content.settings.servers, board: SystemBoardFacts(), identity: endpointIdentity,
            logger: logger)
        let listen = configuration.listen
        let onListening = self.onListening
        let logger = self.logger
        let openFiles = FileDescriptorLimit.raiseToHardLimit()
        // Connections, plus the ports, the database, the spool and the runtime's own descriptors.
        if openFiles < UInt64(networkPolicy.maxConnections) + 128 {
            logger.warning("the open-file limit (\(openFiles)) leaves little room beyond max_connections (\(networkPolicy.maxConnections)): raise LimitNOFILE")
        }
        let hostname = ProcessInfo.processInfo.hostName
        let lan = LANDiscoveryService.publication(configuration, logger: logger)
        let application = EndpointApplication.make(
            dispatcher: ThreeDPMethods.dispatcher(context: context), hub: hub, schema: ThreeDPSchema.encodedDocument,
            host: listen.host, port: listen.port, policy: networkPolicy, localNames: [hostname, hostname + ".local"],
            tls: tls, logger: logger,
            onServerRunning: { [identity = endpointIdentity] port in
                let certificate = identity.fingerprint.map { ", certificate SHA-256 \($0)" } ?? ""
                logger.notice("3DP-1 endpoint listening on \(identity.scheme)://\(ListenAddress(host: listen.host, port: port))\(certificate)")
                lan?.advertise(LANDiscoveryService.advertisement(configuration, port: port, systemID: systemID,
                                                                 tls: identity.tls, fingerprint: identity.fingerprint))
                await onListening(port)
            })
        let publisher = CallbackPublisher(fleet: fleet, hub: hub, statusInterval: configuration.events.statusInterval,
                                          pollSubscriptionTTL: configuration.events.pollSubscriptionTTL, logger: logger)

        // A group shuts down in reverse order: the clients are told goodbye, the endpoint stops, then the callbacks,
        // and the printers last (each cancels its job so that its heaters go off). The graceful shutdown is bounded:
        // what is left after `gracefulShutdownTimeout` is cancelled, and a printing service's cancellation still
        // cancels its job.
        var services: [any Service] = [FleetService(fleet: fleet), CallbackService(publisher: publisher),
                                       RevocationService(watch: RevocationWatch(tokens: tokens, hub: hub, logger: logger))]
        if configuration.printers.servesAutodetectedPrinters {
            services.append(PrinterDiscoveryService(fleet: fleet, configuration: configuration,
                                                    interval: discoveryInterval, logger: logger))
        } else if configuration.printers.entries.isEmpty {
            logger.warning("no printer is configured and autodetection is off: nothing to serve")
        }
        services.append(application)
        if let lan { services.append(LANDiscoveryService(publication: lan)) }
        services.append(ClientFarewellService(hub: hub))
        var groupConfiguration = ServiceGroupConfiguration(
            services: services.map { .init(service: $0) },
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger)
        groupConfiguration.maximumGracefulShutdownDuration = Self.gracefulShutdownTimeout
        let group = ServiceGroup(configuration: groupConfiguration)
        defer {
            do { try tokens.flush() } catch { logger.error("the token store could not be written: \(error)") }
        }
        guard let stopWhen else {
            try await group.run()
            return
        }
        // The group's end, not the trigger's, ends the run: a graceful shutdown takes its time.
        try await withThrowingTaskGroup(of: Bool.self) { tasks in
            tasks.addTask {
                try await group.run()
                return true
            }
            tasks.addTask {
                await stopWhen()
                await group.triggerGracefulShutdown()
                return false
            }
            while let groupEnded = try await tasks.next() {
                if groupEnded { break }
            }
            tasks.cancelAll()
        }
    }
}
