import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdWebSocket
import Logging
import NIOCore
import ThreeDPProtocol

/// The 3DP-1 transports (DESIGN.md §4): `POST /3dp/v1/rpc` (one JSON-RPC message per request, Bearer token in
/// `Authorization`; `events.poll` answers `204 No Content` when nothing came), `GET /3dp/v1/ws` (a WebSocket
/// carrying one JSON-RPC message per text frame, authenticated by `session.authenticate`, with callbacks pushed
/// on the same socket) and `GET /3dp/v1/schema`. They only move bytes: everything a message means is the
/// dispatcher's. What they let in is bounded by the network policy: connections per address and in all, deadlines
/// for request heads, bodies and idle keep-alive, the origin of browser pages, and the content type.
public enum EndpointApplication {
    /// - Parameters:
    ///   - hub: where WebSocket clients' callbacks come from; each connection gets a mailbox of the hub's capacity.
    ///   - schema: the encoded JSON Schema document served at `GET /3dp/v1/schema`.
    ///   - policy: the bounds on connections, their deadlines, and the allowed web origins.
    ///   - localNames: the board's own host names (besides IP literals and `localhost`), for the origin check.
    ///   - onServerRunning: called with the bound port once the server listens (port 0 picks a free one).
    public static func make(dispatcher: RPCDispatcher, hub: EventHub = EventHub(), schema: [UInt8]? = nil,
                            host: String = "127.0.0.1", port: Int = ThreeDPTransport.defaultPort,
                            policy: EndpointNetworkPolicy = .default, localNames: [String] = [],
                            logger: Logger = Logger(label: "3dp-agent.endpoint"),
                            onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        let router = Router(context: EndpointRequestContext.self)
        let limit = dispatcher.limits.maxMessageBytes
        let origins = OriginPolicy(allowedOrigins: policy.allowedOrigins, localNames: ["localhost"] + localNames)

        router.post("\(ThreeDPTransport.basePath)/rpc") { request, context -> Response in
            if let refusal = refusal(of: request, origins: origins) { return refusal }
            var request = request
            let body: ByteBuffer
            do {
                body = try await request.collectBody(upTo: limit)
            } catch {
                let refusal = JSONRPCResponse.error(id: nil, .invalidRequest("message too large (limit \(limit) bytes)"))
                return json(refusal.encodedOrInternalError(), status: .contentTooLarge)
            }
            var caller = dispatcher.caller(authorization: request.headers[.authorization])
            caller.clientAddress = context.clientAddress
            switch await dispatcher.respondOverHTTP(to: body.readableBytesView, caller: caller) {
            case .message(let bytes): return json(bytes, status: .ok)
            case .noContent: return Response(status: .noContent)
            }
        }

        if let schema {
            router.get("\(ThreeDPTransport.basePath)/schema") { _, _ -> Response in
                Response(status: .ok, headers: [.contentType: "application/schema+json"],
                         body: ResponseBody(byteBuffer: ByteBuffer(bytes: schema)))
            }
        }

        // `GET /`: the status page, a Manager in the browser that uses the transports below like any other.
        StatusPageRoutes.add(to: router)

        router.ws("\(ThreeDPTransport.basePath)/ws", shouldUpgrade: { request, context in
            guard origins.permits(origin: request.headers[.origin], host: request.head.authority) else {
                throw HTTPError(.forbidden, message: "this origin may not use the 3DP-1 endpoint")
            }
            let channel = context.channel
            try await channel.eventLoop.submit {
                try channel.pipeline.syncOperations.addHandler(ClientFrameMaskHandler(), position: .first)
            }.get()
            return .upgrade([:])
        }, onUpgrade: { inbound, outbound, context in
            let connection = WebSocketSession(dispatcher: dispatcher, hub: hub, limit: limit,
                                              clientAddress: context.requestContext.clientAddress, logger: context.logger,
                                              authenticationDeadline: policy.webSocketAuthenticationTimeout)
            try await connection.serve(inbound: inbound, outbound: outbound)
        })

        let registry = ConnectionRegistry(policy: policy, logger: logger)
        let webSocketResponder = router.buildResponder()
        let configuration = HTTP1WebSocketUpgradeChannel.Configuration(
            http1: .init(additionalChannelHandlers: [RequestBodyDeadlineHandler(timeout: policy.requestBodyTimeout)],
                         idleTimeout: policy.keepAliveTimeout.timeAmount),
            // A request may be one frame of up to the message limit (Hummingbird's default frame is 16 KiB); a
            // text frame that is not UTF-8 closes the socket with 1007.
            ws: .init(maxFrameSize: limit, validateUTF8: true))
        let server = HTTPServerBuilder { responder in
            GuardedChildChannel(
                inner: HTTP1WebSocketUpgradeChannel(responder: responder, webSocketResponder: webSocketResponder,
                                                    configuration: configuration),
                registry: registry)
        }
        return Application(
            router: router,
            server: server,
            // A full accept queue makes Linux drop SYNs, and the client tries again only a second later: under a
            // flood that second is what a Manager's new connection would wait. The kernel caps it at somaxconn.
            configuration: .init(address: .hostname(host, port: port), serverName: "3dp-agent", backlog: 4096),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? port) },
            logger: logger
        )
    }

    /// A browser page from a foreign origin (403), or a body that does not say it is JSON (415): a page can send
    /// `text/plain` anywhere without asking, but `application/json` only where CORS allows it, and the endpoint
    /// allows it nowhere.
    static func refusal(of request: Request, origins: OriginPolicy) -> Response? {
        guard origins.permits(origin: request.headers[.origin], host: request.head.authority) else {
            let error = JSONRPCResponse.error(id: nil, .invalidRequest("requests from this web origin are not allowed"))
            return json(error.encodedOrInternalError(), status: .forbidden)
        }
        let mediaType = request.headers[.contentType]?.split(separator: ";").first?
            .trimmingCharacters(in: .whitespaces).lowercased()
        guard mediaType == "application/json" else {
            let error = JSONRPCResponse.error(id: nil, .invalidRequest("Content-Type must be application/json"))
            return json(error.encodedOrInternalError(), status: .unsupportedMediaType)
        }
        return nil
    }

    static func json(_ bytes: [UInt8], status: HTTPResponse.Status) -> Response {
        Response(status: status, headers: [.contentType: "application/json"],
                 body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
