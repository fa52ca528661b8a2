import HummingbirdCore
import Logging
import NIOCore
import NIOSSL

/// Hummingbird's HTTP/WebSocket child channel behind the endpoint's admission: each accepted connection is first
/// counted by the registry (per address and in all; refused ones are closed before a byte is read), and gets the
/// deadline for its first request head in front of everything else in its pipeline. With TLS, the TLS handler
/// (and the refusal of plain HTTP) go in front of that deadline: the handshake has to finish within it too, so
/// a client that opens connections and sends nothing, or half a ClientHello, holds each for that long at most.
struct GuardedChildChannel<Inner: ServerChildChannel>: ServerChildChannel {
    enum Value: ServerChildChannelValue {
        case admitted(Inner.Value)
        case refused(any Channel)

        var channel: any Channel {
            switch self {
            case .admitted(let value): value.channel
            case .refused(let channel): channel
            }
        }
    }

    let inner: Inner
    let registry: ConnectionRegistry
    let tls: EndpointTLS?

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        guard let id = registry.admit(channel) else {
            channel.close(promise: nil)
            return channel.eventLoop.makeSucceededFuture(.refused(channel))
        }
        let registry = self.registry
        channel.closeFuture.whenComplete { _ in registry.remove(id) }
        do {
            try channel.pipeline.syncOperations.addHandler(
                RequestHeadDeadlineHandler(timeout: registry.policy.requestHeadTimeout,
                                           onHeadArrived: { registry.markRequested(id) }, onIdle: { registry.markIdle(id) }),
                position: .first)
            if let tls {
                try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls.context), position: .first)
                try channel.pipeline.syncOperations.addHandler(PlaintextHTTPRefusal(logger: logger), position: .first)
            }
        } catch {
            return channel.eventLoop.makeFailedFuture(error)
        }
        return inner.setup(channel: channel, logger: logger).map(Value.admitted)
    }

    func handle(value: Value, logger: Logger) async {
        guard case .admitted(let inner) = value else { return }
        await self.inner.handle(value: inner, logger: logger)
    }
}
