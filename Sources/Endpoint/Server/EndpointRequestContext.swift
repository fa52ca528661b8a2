import Hummingbird
import HummingbirdWebSocket
import NIOCore

/// The request context of the 3DP-1 routes: Hummingbird's WebSocket context plus the connection's channel, for the
/// client's address (the pairing lock counts by it) and for the frame check put in front of an upgraded socket.
struct EndpointRequestContext: RequestContext, WebSocketRequestContext {
    var coreContext: CoreRequestContextStorage
    let webSocket: WebSocketHandlerReference<Self>
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        webSocket = .init()
        channel = source.channel
    }

    var clientAddress: String { ConnectionRegistry.address(of: channel) }
}
