import HummingbirdWebSocket
import Logging
import NIOCore

/// One Manager on a WebSocket: requests answered in order as they arrive, callbacks written as they are
/// published. A client that cannot keep up overflows its mailbox and is closed with the reason (1008), and its
/// writes, stuck on a full socket, are abandoned: the printer and the other clients never wait for it.
struct WebSocketSession: Sendable {
    let dispatcher: RPCDispatcher
    let hub: EventHub
    let limit: Int
    let logger: Logger

    /// How long a close frame may take to go out to a client that stopped reading.
    static let closeGrace: Duration = .seconds(2)

    func serve(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter) async {
        let mailbox = CallbackMailbox(capacity: hub.mailboxCapacity)
        let reason: String? = await withTaskGroup(of: String?.self) { group in
            group.addTask { await answerRequests(inbound: inbound, outbound: outbound, mailbox: mailbox) }
            group.addTask { await writeCallbacks(outbound: outbound, mailbox: mailbox) }
            group.addTask { await mailbox.waitUntilClosed() }
            let first = await group.next() ?? nil
            mailbox.close(reason: "the connection closed")
            group.cancelAll()
            return first
        }
        hub.unsubscribeAll(of: mailbox)
        guard let reason else { return }
        logger.notice("closing a WebSocket client: \(reason)")
        await withTaskGroup(of: Void.self) { group in
            group.addTask { try? await outbound.close(.policyViolation, reason: reason) }
            group.addTask { try? await Task.sleep(for: Self.closeGrace) }
            await group.next()
            group.cancelAll()
        }
    }

    /// Returns nil when the client closes: nothing more to say to it.
    private func answerRequests(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter,
                                mailbox: CallbackMailbox) async -> String? {
        var session = RPCCaller(credential: .none, mailbox: mailbox)
        do {
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
        } catch {
            logger.debug("WebSocket client ended: \(error)")
        }
        return nil
    }

    /// Returns nil when a write fails or the task is cancelled; the mailbox's closing reason is the watcher's.
    private func writeCallbacks(outbound: WebSocketOutboundWriter, mailbox: CallbackMailbox) async -> String? {
        while !Task.isCancelled {
            guard case .callbacks = await mailbox.waitForCallbacks() else { return nil }
            for callback in mailbox.drain(limit: 64) {
                do {
                    try await outbound.write(.text(String(decoding: hub.message(for: callback), as: UTF8.self)))
                } catch {
                    return nil
                }
            }
        }
        return nil
    }
}
