import NIOCore

/// Follows the WebSocket frames a client sends, on raw bytes, to see that each is masked (RFC 6455 §5.1: a server
/// must close the connection on an unmasked client frame). The frame decoder Hummingbird uses unmasks what is
/// masked and passes the rest without a word, so the check runs in front of it. Incremental, as bytes arrive:
/// only frame headers are read; payloads are skipped by their length.
struct ClientFrameMaskCheck: Sendable {
    enum Verdict: Equatable {
        case masked
        case unmasked
    }

    private var header: [UInt8] = []
    private var payloadLeft: UInt64 = 0
    private(set) var verdict: Verdict = .masked

    /// Takes the next bytes; returns `.unmasked` from the first unmasked frame on.
    mutating func consume(_ bytes: some Collection<UInt8>) -> Verdict {
        var index = bytes.startIndex
        while verdict == .masked, index != bytes.endIndex {
            if payloadLeft > 0 {
                let available = UInt64(bytes.distance(from: index, to: bytes.endIndex))
                let skipped = min(available, payloadLeft)
                payloadLeft -= skipped
                index = bytes.index(index, offsetBy: Int(skipped))
                continue
            }
            header.append(bytes[index])
            index = bytes.index(after: index)
            parseHeader()
        }
        return verdict
    }

    private mutating func parseHeader() {
        guard header.count >= 2 else { return }
        guard header[1] & 0x80 != 0 else {
            verdict = .unmasked
            return
        }
        let short = header[1] & 0x7F
        let lengthBytes = short == 126 ? 2 : short == 127 ? 8 : 0
        guard header.count == 2 + lengthBytes + 4 else { return }
        var length = UInt64(short)
        if lengthBytes > 0 {
            length = header[2..<(2 + lengthBytes)].reduce(0) { $0 << 8 | UInt64($1) }
        }
        payloadLeft = length
        header.removeAll(keepingCapacity: true)
    }
}

/// Put first in a WebSocket connection's pipeline when it upgrades: on an unmasked client frame it answers with a
/// close frame, 1002 (protocol error) and the reason, and closes; nothing of that frame reaches the session.
final class ClientFrameMaskHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    static let reason = "client frames must be masked"
    private var check = ClientFrameMaskCheck()
    private var closed = false

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !closed else { return }
        let buffer = unwrapInboundIn(data)
        guard check.consume(buffer.readableBytesView) == .unmasked else {
            context.fireChannelRead(data)
            return
        }
        closed = true
        var frame = context.channel.allocator.buffer(capacity: 4 + Self.reason.utf8.count)
        frame.writeInteger(UInt8(0x88))  // FIN, close
        frame.writeInteger(UInt8(2 + Self.reason.utf8.count))
        frame.writeInteger(UInt16(1002))
        frame.writeString(Self.reason)
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(frame)).whenComplete { _ in channel.close(promise: nil) }
    }
}
