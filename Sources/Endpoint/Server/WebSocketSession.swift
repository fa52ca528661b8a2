import HummingbirdWebSocket
import Logging
import NIOCore
import NIOWebSocket
import Synchronization

/// One Manager on a WebSocket: requests answered in order as they arrive, callbacks written as they are
/// published. A client that cannot keep up overflows its mailbox and is closed with the reason (1008), and its
/// writes, stuck on a full socket, are abandoned: the printer and the other clients never wait for it. When the
/// agent stops, every session is closed with 1001 and the reason; when its client is revoked, with 1008 and the
/// reason; when it has not authenticated within `authenticationDeadline` of opening, with 1008 too.
struct WebSocketSession: Sendable {
    let dispatcher: RPCDispatcher
    let hub: EventHub
    let limit: Int
    /// The peer's IP address, for the pairing lock.
    let clientAddress: String
    let logger: Logger
    /// How long an opened socket may stay without `session.authenticate` succeeding: a socket nobody authenticates
    /// holds a file descriptor and a slot of the connection cap for nothing.
    var authenticationDeadline: Duration = .seconds(5)

    /// How long a close frame may take to go out to a client that stopped reading.
    static let closeGrace: Duration = .seconds(2)
    static let unauthenticatedReason = "not authenticated in time: send session.authenticate first"

    /// Why the session ends.
    private enum Ending: Sendable {
        /// The client closed, or its socket failed: nothing more to say to it.
        case clientGone
        /// A protocol error on the inbound side (a message too big, invalid UTF-8, …): rethrown, so that
        /// Hummingbird closes with the matching code (1009, 1007, 1002).
        case protocolError(any Error)
        case mailbox(MailboxClosing)
    }

    func serve(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter) async throws {
        let mailbox = CallbackMailbox(capacity: hub.mailboxCapacity)
        if !hub.attach(mailbox) { mailbox.close(MailboxClosing(.agentStopping, "the agent is shutting down")) }
        defer { hub.unsubscribeAll(of: mailbox) }
        let authenticated = SessionFlag()
        let ending: Ending = await withTaskGroup(of: Ending?.self) { group in
            group.addTask { await answerRequests(inbound: inbound, outbound: outbound, mailbox: mailbox, authenticated: authenticated) }
            group.addTask { await writeCallbacks(outbound: outbound, mailbox: mailbox).map(Ending.mailbox) ?? .clientGone }
            group.addTask { .mailbox(await mailbox.waitUntilClosed()) }
            group.addTask {
                do { try await Task.sleep(for: authenticationDeadline) } catch { return nil }
                if !authenticated.isSet {
                    mailbox.close(MailboxClosing(.unauthenticated, Self.unauthenticatedReason))
                }
                return nil
            }
            // The authentication deadline's task ends with nil either way; the first real ending counts.
            var first: Ending?
            while first == nil, let next = await group.next() { first = next }
            mailbox.close(MailboxClosing(.ended, "the connection closed"))
            group.cancelAll()
            return first ?? .clientGone
        }
        let closing: MailboxClosing
        switch ending {
        case .clientGone: return
        case .protocolError(let error): throw error
        case .mailbox(let mailboxClosing): closing = mailboxClosing
        }
        let code: WebSocketErrorCode
        switch closing.cause {
        case .ended: return
        case .agentStopping: code = .goingAway
        case .clientTooSlow, .accessRevoked, .unauthenticated: code = .policyViolation
        }
        if closing.cause == .clientTooSlow { logger.notice("closing a WebSocket client: \(closing.reason)") }
        if closing.cause == .unauthenticated { logger.debug("closing a WebSocket client: \(closing.reason)") }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { try? await outbound.close(code, reason: closing.reason) }
            group.addTask { try? await Task.sleep(for: Self.closeGrace) }
            await group.next()
            group.cancelAll()
        }
    }

    /// Ends with `.clientGone` when the client closes, `.protocolError` when what it sent broke the protocol.
    private func answerRequests(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter,
                                mailbox: CallbackMailbox, authenticated: SessionFlag) async -> Ending {
        var session = RPCCaller(credential: .none, mailbox: mailbox, clientAddress: clientAddress)
        var messages = inbound.messages(maxSize: limit).makeAsyncIterator()
        while true {
            let message: WebSocketMessage
            do {
                // A frame over the limit ends the connection with 1009 (message too big): it is never parsed.
                guard let next = try await messages.next() else { return .clientGone }
                message = next
            } catch {
                logger.debug("WebSocket client broke the protocol: \(error)")
                return .protocolError(error)
            }
            let bytes: [UInt8]
            switch message {
            case .text(let text): bytes = Array(text.utf8)
            case .binary(let buffer): bytes = Array(buffer.readableBytesView)
            }
            let before = session.clientID
            let answer = await dispatcher.respond(to: bytes, session: &session)
            if session.clientID != before {
                hub.assign(mailbox, toClient: session.clientID)
                if session.clientID != nil { authenticated.set() }
            }
            do {
                try await outbound.write(.text(String(decoding: answer, as: UTF8.self)))
            } catch {
                return .clientGone
            }
        }
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

/// Whether the session has authenticated: set by the task reading requests, read by the deadline's task. A class
/// around an atomic because both tasks' closures capture it (an `Atomic` itself cannot be captured).
final class SessionFlag: Sendable {
    private let value = Atomic<Bool>(false)

    var isSet: Bool { value.load(ordering: .acquiring) }

    func set() { value.store(true, ordering: .releasing) }
}
