import Logging
import NIOCore

/// First in a TLS connection's pipeline: looks at the first byte the client sends. A TLS client starts with a
/// handshake record (0x16); an HTTP client starts with a method name in capital letters. The latter is someone
/// who typed `http://` for a TLS port: it gets a `400` in plain text that says to use `https://`, and the
/// connection is closed, instead of TLS garbage or a silent reset. Anything else goes on to the TLS handler.
final class PlaintextHTTPRefusal: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private var decided = false
    private let logger: Logger

    init(logger: Logger) {
        self.logger = logger
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !decided else {
            context.fireChannelRead(data)
            return
        }
        let buffer = unwrapInboundIn(data)
        guard let first = buffer.getInteger(at: buffer.readerIndex, as: UInt8.self) else { return }
        decided = true
        guard Self.startsPlainHTTP(first) else {
            context.fireChannelRead(data)
            return
        }
        let local = context.channel.localAddress
        logger.debug("plain HTTP on the TLS port: answered 400",
                     metadata: ["address": "\(context.channel.remoteAddress?.ipAddress ?? "unknown")"])
        let response = Self.refusal(host: local?.ipAddress, port: local?.port)
        let channel = context.channel
        context.writeAndFlush(NIOAny(ByteBuffer(string: response))).whenComplete { _ in
            channel.close(promise: nil)
        }
    }

    /// HTTP methods are tokens of capital letters (GET, POST, OPTIONS, PRI for HTTP/2's preface).
    static func startsPlainHTTP(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
    }

    /// The whole response, closing the connection.
    static func refusal(host: String?, port: Int?) -> String {
        var authority = host.map { $0.contains(":") ? "[\($0)]" : $0 } ?? "<agent>"
        if let port { authority += ":\(port)" }
        let body = "this port speaks HTTPS: use https://\(authority)/ (and wss:// for the WebSocket)\n"
        return "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: \(body.utf8.count)\r\n"
            + "Connection: close\r\n\r\n" + body
    }
}
