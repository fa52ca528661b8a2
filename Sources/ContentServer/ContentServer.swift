import Foundation
import Hummingbird
import HummingbirdTLS
import Logging
import NIOCore
import NIOSSL
import ServiceLifecycle
import ServiceScope
import UnixSignals

/// The reference content server (DESIGN §5): serves the files under a root as contents behind short-lived tokens.
public enum ContentServer {
    /// Starts a server, waits until it is bound, runs `body` with it, then stops it (a download in flight is cut
    /// off rather than waited for) and returns what `body` returned or rethrows what it threw.
    public static func serve<T: Sendable>(_ settings: ContentServerSettings, logger: Logger,
                                          _ body: (RunningContentServer) async throws -> T) async throws -> T {
        try await serve(settings, logger: logger, shutdownSignals: []) { server, _ in try await body(server) }
    }

    /// Runs a server until SIGINT or SIGTERM, calling `onStart` once it is bound (the command prints from there).
    /// The service group handles the signals: its graceful shutdown cuts off downloads in flight, then stops the
    /// listener.
    public static func run(_ settings: ContentServerSettings, logger: Logger,
                           onStart: (RunningContentServer) async throws -> Void) async throws {
        try await serve(settings, logger: logger, shutdownSignals: [.sigterm, .sigint]) { server, stopped in
            try await onStart(server)
            await stopped()
        }
    }

    /// `body` gets the server and a wait that returns once the services have stopped (by a signal).
    private static func serve<T: Sendable>(
        _ settings: ContentServerSettings, logger: Logger, shutdownSignals: [UnixSignal],
        _ body: (RunningContentServer, _ stopped: @Sendable () async -> Void) async throws -> T
    ) async throws -> T {
        let catalog = try ContentCatalog(root: settings.root)
        let desk = ContentDesk(settings: settings, catalog: catalog)
        let origin = PublicOrigin()
        let router = Router(context: ContentRequestContext.self)
        ContentRoutes(desk: desk, origin: origin).register(on: router)
        let bound = AsyncStream<Int>.makeStream()
        let configuration = ApplicationConfiguration(address: .hostname(settings.host, port: settings.port),
                                                     serverName: nil)
        let onServerRunning: @Sendable (any Channel) async -> Void = { channel in
            bound.continuation.yield(channel.localAddress?.port ?? settings.port)
        }
        let responder = router.buildResponder()
        // Two calls because the server builder's type is not exported by Hummingbird.
        let app = try tlsConfiguration(settings).map {
            Application(responder: responder, server: try .tls(.http1(), tlsConfiguration: $0),
                        configuration: configuration, onServerRunning: onServerRunning, logger: logger)
        } ?? Application(responder: responder, server: .http1(), configuration: configuration,
                         onServerRunning: onServerRunning, logger: logger)
        let address = "\(settings.host):\(settings.port)"

        // A group shuts down in reverse order: the downloads in flight are cut off first, then the listener closes;
        // what still hangs after a second is cancelled.
        var groupConfiguration = ServiceGroupConfiguration(
            services: [.init(service: app), .init(service: DownloadCutOff(desk: desk))],
            gracefulShutdownSignals: shutdownSignals, logger: logger)
        groupConfiguration.maximumGracefulShutdownDuration = .seconds(1)
        let services = ServiceGroup(configuration: groupConfiguration)
        let stopped = AsyncStream<Void>.makeStream()
        let outcome: Result<T, any Error>
        do {
            outcome = .success(try await ServiceScope.run({
                defer { stopped.continuation.finish() }
                do {
                    try await services.run()
                } catch {
                    throw ContentServerError.cannotListen(address: address, reason: "\(error)")
                }
            }, ready: bound, shutdown: {
                // Downloads in flight end at once (their bodies stop); what still hangs after a second is cancelled.
                desk.stop.set()
                await services.triggerGracefulShutdown()
            }, cutOff: .seconds(1)) { port in
                let scheme = settings.tls == nil ? "http" : "https"
                let host = settings.host.contains(":") ? "[\(settings.host)]" : settings.host
                let baseURL = "\(scheme)://\(host):\(port)"
                origin.url = settings.publicURL.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 } ?? baseURL
                logger.info("content server listening", metadata: ["url": "\(baseURL)", "root": "\(catalog.root)"])
                return try await body(RunningContentServer(baseURL: baseURL, port: port, desk: desk)) {
                    for await _ in stopped.stream {}
                }
            })
        } catch is ServiceScope.EndedBeforeReady {
            throw ContentServerError.cannotListen(address: address, reason: "the server stopped before binding")
        } catch {
            outcome = .failure(error)
        }
        logger.info("content server stopped")
        return try outcome.get()
    }

    private static func tlsConfiguration(_ settings: ContentServerSettings) throws -> TLSConfiguration? {
        guard let tls = settings.tls else { return nil }
        do {
            let chain = try NIOSSLCertificate.fromPEMFile(tls.certificatePath).map { NIOSSLCertificateSource.certificate($0) }
            let key = try NIOSSLPrivateKey(file: tls.keyPath, format: .pem)
            let configuration = TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(key))
            return configuration
        } catch {
            throw ContentServerError.tlsFiles("\(error)")
        }
    }
}

/// A server started by `ContentServer.serve`, for the code running beside it (tests, the demo, the benchmark).
public struct RunningContentServer: Sendable {
    /// `http://127.0.0.1:PORT` (or https), without a trailing slash.
    public let baseURL: String
    public let port: Int
    let desk: ContentDesk

    /// A token for one content, as `POST /3dp/v1/tokens` would issue it.
    public func issueToken(contentId: String, lifetime: Duration? = nil) async throws -> IssuedToken {
        try await desk.issueToken(contentId: contentId, lifetime: lifetime)
    }

    public func setFaults(_ faults: ContentFaults) async { await desk.setFaults(faults) }

    /// The fault plan as it stands (counts go down as faults fire).
    public func faults() async -> ContentFaults { await desk.faults }

    /// Requests answered so far, in the order their responses completed.
    public func servedRequests() async -> [ServedRequest] { desk.ledger.all }

    /// Every token issued so far stops working.
    public func expireAllTokens() async { await desk.expireAllTokens() }

    /// How many contents the root holds now.
    public func contentCount() async throws -> Int { desk.catalog.entries().count }
}

/// Stops the downloads in flight when the group shuts down gracefully (their bodies end at once), so that the
/// listener's shutdown after it does not wait for a long download.
private struct DownloadCutOff: Service {
    let desk: ContentDesk

    func run() async throws {
        try? await gracefulShutdown()
        desk.stop.set()
    }
}
