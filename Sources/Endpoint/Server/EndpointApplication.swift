import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOCore

/// The 3DP-1 transports (DESIGN.md §4): `POST /3dp/v1/rpc` (one JSON-RPC message per request, Bearer token in
/// `Authorization`; `events.poll` answers `204 No Content` when nothing came), `GET /3dp/v1/ws` (a WebSocket
/// carrying one JSON-RPC message per text frame, authenticated by `session.authenticate`, with callbacks pushed
/// on the same socket) and `GET /3dp/v1/schema`. They only move bytes: everything a message means is the
/// dispatcher's.
public enum EndpointApplication {
    public static let basePath = "/3dp/v1"
    public static let defaultPort = 8631

    /// - Parameters:
    ///   - hub: where WebSocket clients' callbacks come from; each connection gets a mailbox of the hub's capacity.
    ///   - schema: the encoded JSON Schema document served at `GET /3dp/v1/schema`.
    ///   - onServerRunning: called with the bound port once the server listens (port 0 picks a free one).
    public static func make(dispatcher: RPCDispatcher, hub: EventHub = EventHub(), schema: [UInt8]? = nil,
                            host: String = "127.0.0.1", port: Int = defaultPort,
                            logger: Logger = Logger(label: "3dp-agent.endpoint"),
                            onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        let router = Router(context: BasicWebSocketRequestContext.self)
        let limit = dispatcher.limits.maxMessageBytes

        router.post("\(basePath)/rpc") { request, _ -> Response in
            var request = request
            let body: ByteBuffer
            do {
                body = try await request.collectBody(upTo: limit)
            } catch {
                let refusal = JSONRPCResponse.error(id: nil, .invalidRequest("message too large (limit \(limit) bytes)"))
                return json(refusal.encodedOrInternalError(), status: .contentTooLarge)
            }
            let caller = dispatcher.caller(authorization: request.headers[.authorization])
            switch await dispatcher.respondOverHTTP(to: body.readableBytesView, caller: caller) {
            case .message(let bytes): return json(bytes, status: .ok)
            case .noContent: return Response(status: .noContent)
            }
        }

        if let schema {
            router.get("\(basePath)/schema") { _, _ -> Response in
                Response(status: .ok, headers: [.contentType: "application/schema+json"],
                         body: ResponseBody(byteBuffer: ByteBuffer(bytes: schema)))
            }
        }

        router.ws("\(basePath)/ws") { inbound, outbound, context in
            let connection = WebSocketSession(dispatcher: dispatcher, hub: hub, limit: limit, logger: context.logger)
            await connection.serve(inbound: inbound, outbound: outbound)
        }

        return Application(
            router: router,
            // A request may be one frame of up to the message limit; Hummingbird's default frame is 16 KiB.
            server: .http1WebSocketUpgrade(webSocketRouter: router, configuration: .init(ws: .init(maxFrameSize: limit))),
            configuration: .init(address: .hostname(host, port: port), serverName: "3dp-agent"),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? port) },
            logger: logger
        )
    }

    static func json(_ bytes: [UInt8], status: HTTPResponse.Status) -> Response {
        Response(status: status, headers: [.contentType: "application/json"],
                 body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
