import NIOCore

/// Told by `RequestBodyDeadlineHandler` (which sees parsed HTTP) to the raw-bytes handler in front of the HTTP
/// decoder: a whole request head has arrived.
struct RequestHeadArrived: Sendable {}

/// Told the same way: a response has ended and the kept-alive connection waits for its next request.
struct ResponseEnded: Sendable {}

extension Duration {
    var timeAmount: TimeAmount {
        .nanoseconds(components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000)
    }
}

/// First in every connection's pipeline, on raw bytes: the connection must have sent its whole first request
/// head within `timeout` of opening, or it is closed (slowloris sends a header line every few seconds for ever).
/// The head counts as arrived when the HTTP side says so, or when the server writes anything (a response, the
/// WebSocket upgrade's 101, a 400 for garbage): from then on the connection is being served, and the registry
/// does not evict it for newcomers until a response ends with no request under way (kept alive, idle again).
final class RequestHeadDeadlineHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer

    private let timeout: TimeAmount
    private let onHeadArrived: @Sendable () -> Void
    private let onIdle: @Sendable () -> Void
    private var deadline: Scheduled<Void>?
    private var arrived = false

    init(timeout: Duration, onHeadArrived: @escaping @Sendable () -> Void, onIdle: @escaping @Sendable () -> Void) {
        self.timeout = timeout.timeAmount
        self.onHeadArrived = onHeadArrived
        self.onIdle = onIdle
    }

    func handlerAdded(context: ChannelHandlerContext) {
        let channel = context.channel
        deadline = context.eventLoop.scheduleTask(in: timeout) {
            channel.close(promise: nil)
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if !arrived { headArrived() }
        context.write(data, promise: promise)
    }

    func triggerUserOutboundEvent(context: ChannelHandlerContext, event: Any, promise: EventLoopPromise<Void>?) {
        switch event {
        case is RequestHeadArrived: headArrived()
        case is ResponseEnded: onIdle()
        default:
            context.triggerUserOutboundEvent(event, promise: promise)
            return
        }
        promise?.succeed()
    }

    private func headArrived() {
        arrived = true
        deadline?.cancel()
        deadline = nil
        onHeadArrived()
    }
}
