import HummingbirdWebSocket
import Logging
import NIOCore
import NIOWebSocket

/// One Manager on a WebSocket: requests answered in order as they arrive, callbacks written as they are
/// published. A client that cannot keep up overflows its mailbox and is closed with the reason (1008), and its
/// writes, stuck on a full socket, are abandoned: the printer and the other clients never wait for it. When the
/// agent stops, every session is closed with 1001 and the reason.
struct WebSocketSession: Sendable {
    let dispatcher: RPCDispatcher
    let hub: EventHub
    let limit: Int
    let logger: Logger

    /// How long a close frame may take to go out to a client that stopped reading.
    static let closeGrace: Duration = .seconds(2)

    func serve(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter) async {
        let mailbox = CallbackMailbox(capacity: hub.mailboxCapacity)
        if !hub.attach(mailbox) { mailbox.close(MailboxClosing(.agentStopping, "the agent is shutting down")) }
        defer { hub.unsubscribeAll(of: mailbox) }
        let closing: MailboxClosing? = await withTaskGroup(of: MailboxClosing?.self) { group in
            group.addTask { await answerRequests(inbound: inbound, outbound: outbound, mailbox: mailbox) }
            group.addTask { await writeCallbacks(outbound: outbound, mailbox: mailbox) }
            group.addTask { await mailbox.waitUntilClosed() }
            let first = await group.next() ?? nil
            mailbox.close(MailboxClosing(.ended, "the connection closed"))
            group.cancelAll()
            return first
        }
        guard let closing, closing.cause != .ended else { return }
        let code: WebSocketErrorCode = closing.cause == .agentStopping ? .goingAway : .policyViolation
        if closing.cause == .clientTooSlow { logger.notice("closing a WebSocket client: \(closing.reason)") }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { try? await outbound.close(code, reason: closing.reason) }
            group.addTask { try? await Task.sleep(for: Self.closeGrace) }
            await group.next()
            group.cancelAll()
        }
    }

    /// Returns nil when the client closes: nothing more to say to it.
    private func answerRequests(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter,
                                mailbox: CallbackMailbox) async -> MailboxClosing? {
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

    /// Returns the mailbox's closing reason, or nil when a write fails or the task is cancelled. (A write stuck on
    /// a full socket never gets here: the watcher reports the reason then.)
    private func writeCallbacks(outbound: WebSocketOutboundWriter, mailbox: CallbackMailbox) async -> MailboxClosing? {
        while !Task.isCancelled {
            if case .closed(let closing) = await mailbox.waitForCallbacks() { return closing }
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
