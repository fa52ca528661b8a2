import HummingbirdCore
import Logging
import NIOCore

/// Hummingbird's HTTP/WebSocket child channel behind the endpoint's admission: each accepted connection is first
/// counted by the registry (per address and in all; refused ones are closed before a byte is read), and gets the
/// deadline for its first request head in front of everything else in its pipeline.
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
