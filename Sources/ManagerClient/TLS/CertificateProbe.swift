import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL
import NIOTLS

/// Opens a TLS connection to an agent only to see the certificate it presents, then closes it. Used at first
/// contact (before pairing there is nothing to pin yet: the client pins what it sees here and checks it against
/// `pairing.complete`), and after a pinned connection failed, to tell a changed certificate from other failures.
enum CertificateProbe {
    struct Failed: Error, CustomStringConvertible {
        var reason: String
        var description: String { reason }
    }

    static func presentedCertificate(host: String, port: Int, timeout: TimeAmount = .seconds(5)) async throws -> PinnedCertificate {
        let seen = NIOLockedValueBox<[UInt8]?>(nil)
        var configuration = TLSConfiguration.makeClientConfiguration()
        // Verification is the callback below: it accepts whatever certificate comes, and keeps it.
        configuration.certificateVerification = .none
        let context = try NIOSSLContext(configuration: configuration)
        let address = host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host
        // SNI takes names only, never addresses.
        let serverName = address.contains(":") || address.allSatisfy({ $0.isNumber || $0 == "." }) ? nil : address
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let handshake = loop.makePromise(of: Void.self)
        let channel: any Channel
        do {
            channel = try await ClientBootstrap(group: loop)
                .connectTimeout(timeout)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        let tls = try NIOSSLClientHandler(
                            context: context, serverHostname: serverName,
                            customVerificationCallback: { certificates, verdict in
                                if let leaf = certificates.first, let der = try? leaf.toDERBytes() {
                                    seen.withLockedValue { $0 = der }
                                }
                                verdict.succeed(.certificateVerified)
                            })
                        try channel.pipeline.syncOperations.addHandler(tls)
                        try channel.pipeline.syncOperations.addHandler(HandshakeWaiter(promise: handshake))
                    }
                }
                .connect(host: address, port: port).get()
        } catch {
            handshake.fail(error)
            throw error
        }
        let deadline = loop.scheduleTask(in: timeout) { channel.close(promise: nil) }
        defer { deadline.cancel() }
        do {
            try await handshake.futureResult.get()
        } catch {
            channel.close(promise: nil)
            throw error
        }
        try? await channel.close().get()
        guard let der = seen.withLockedValue({ $0 }) else { throw Failed(reason: "the agent presented no TLS certificate") }
        return PinnedCertificate(der: der)
    }
}

/// Completes the probe's promise once: handshake done, or the connection failed or ended before it.
private final class HandshakeWaiter: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let promise: EventLoopPromise<Void>
    private var completed = false

    init(promise: EventLoopPromise<Void>) {
        self.promise = promise
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case TLSUserEvent.handshakeCompleted = event { complete(nil) }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        complete(error)
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        complete(CertificateProbe.Failed(reason: "the agent closed the connection during the TLS handshake"))
        context.fireChannelInactive()
    }

    private func complete(_ error: (any Error)?) {
        guard !completed else { return }
        completed = true
        if let error { promise.fail(error) } else { promise.succeed() }
    }
}
