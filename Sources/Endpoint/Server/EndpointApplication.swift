import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOCore

/// The 3DP-1 transports (DESIGN.md §4): `POST /3dp/v1/rpc` (one JSON-RPC message per request, Bearer token in
/// `Authorization`) and `GET /3dp/v1/ws` (a WebSocket carrying one JSON-RPC message per text frame, authenticated
/// by `session.authenticate`). Both only move bytes: everything a message means is the dispatcher's.
public enum EndpointApplication {
    public static let basePath = "/3dp/v1"
    public static let defaultPort = 8631

    public static func make(dispatcher: RPCDispatcher, host: String = "127.0.0.1", port: Int = defaultPort,
                            logger: Logger = Logger(label: "3dp-agent.endpoint")) -> some ApplicationProtocol {
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
            return json(await dispatcher.respond(to: body.readableBytesView, caller: caller), status: .ok)
        }

        router.ws("\(basePath)/ws") { inbound, outbound, _ in
            var session = RPCCaller.anonymous
            // A frame over the limit ends the connection with 1009 (message too big): it is never parsed.
            for try await message in inbound.messages(maxSize: limit) {
                let bytes: [UInt8]
                switch message {
                case .text(let text): bytes = Array(text.utf8)
                case .binary(let buffer): bytes = Array(buffer.readableBytesView)
                }
                let answer = await dispatcher.respond(to: bytes, session: &session)
                try await outbound.write(.text(String(decoding: answer, as: UTF8.self)))
            }
        }

        return Application(
            router: router,
            server: .http1WebSocketUpgrade(webSocketRouter: router),
            configuration: .init(address: .hostname(host, port: port), serverName: "3dp-agent"),
            logger: logger
        )
    }

    static func json(_ bytes: [UInt8], status: HTTPResponse.Status) -> Response {
        Response(status: status, headers: [.contentType: "application/json"],
                 body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
