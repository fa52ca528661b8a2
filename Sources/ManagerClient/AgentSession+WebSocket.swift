import HummingbirdWSClient
import NIOCore
import NIOWebSocket
import ThreeDPProtocol

extension AgentSession {
    /// The largest WebSocket frame accepted from the agent (a whole queue fits).
    static let maxWebSocketFrame = 1 << 20

    /// Opens the WebSocket, runs `body` on it, and closes it. When the agent closes the socket before `body` is
    /// done, this throws `AgentConnectionError.closedByAgent` with the agent's close code and reason.
    ///
    /// The socket is not authenticated: call `authenticate(accessToken:)` first for anything but discovery,
    /// pairing and `agent.time` (`watch` does).
    public func withWebSocket<Result: Sendable>(
        _ body: @escaping @Sendable (AgentSocket) async throws -> Result
    ) async throws -> Result {
        let url = self.url
        let outcome = WebSocketOutcome<Result>()
        let closeFrame: WebSocketCloseFrame?
        do {
            closeFrame = try await WebSocketClient.connect(
                url: url.webSocketURL,
                configuration: .init(maxFrameSize: Self.maxWebSocketFrame, sniHostname: Self.serverName(for: url)),
                tlsConfiguration: url.scheme == "https" ? Self.tlsConfiguration(certificate) : nil,
                logger: logger
            ) { inbound, outbound, _ in
                let socket = AgentSocket(
                    url: url, inbound: inbound.messages(maxSize: AgentAnswer.limits.maxMessageBytes).makeAsyncIterator(),
                    outbound: outbound)
                do {
                    await outcome.finish(.success(try await body(socket)))
                } catch is AgentSocket.Ended {
                    // Left open: the close frame says why.
                } catch {
                    await outcome.finish(.failure(error))
                }
            }
        } catch {
            if let finished = await outcome.result { return try finished.get() }
            throw await explained(error) ?? Self.webSocketError(error, url: url)
        }
        if let finished = await outcome.result { return try finished.get() }
        try Task.checkCancellation()
        guard let closeFrame else {
            throw AgentConnectionError.webSocketFailed(url, reason: "the connection ended without a close frame")
        }
        throw AgentConnectionError.closedByAgent(
            url, code: Int(UInt16(webSocketErrorCode: closeFrame.closeCode)), reason: closeFrame.reason ?? "")
    }

    /// Live callbacks: opens the WebSocket, authenticates with the access token (when there is one), subscribes,
    /// tells `onSubscribed` what the agent granted, then hands every callback to `each`, in order, until the agent
    /// closes the socket. A plain close (1000, no reason) returns; any other close throws `closedByAgent` with
    /// its reason (the agent disconnects a client too slow for its callbacks with a reason).
    ///
    /// `each` runs before the next frame is read, so a slow consumer slows reading instead of piling callbacks up.
    public func watch(
        topics: [CallbackTopic]? = nil, serviceId: String? = nil,
        onSubscribed: @escaping @Sendable (AgentSubscription) async throws -> Void = { _ in },
        each: @escaping @Sendable (AgentCallback) async throws -> Void
    ) async throws {
        let accessToken = self.accessToken
        do {
            try await withWebSocket { socket in
                if let accessToken { try await socket.authenticate(accessToken: accessToken) }
                try await onSubscribed(try await socket.subscribe(topics: topics, serviceId: serviceId))
                while let callback = try await socket.nextCallback() {
                    try await each(callback)
                }
                throw AgentSocket.Ended()
            }
        } catch AgentConnectionError.closedByAgent(_, let code, let reason)
            where code == Int(UInt16(webSocketErrorCode: .normalClosure)) && reason.isEmpty {
            return
        }
    }

    /// `watch` as an asynchronous sequence; ending the iteration closes the socket.
    public func watch(topics: [CallbackTopic]? = nil, serviceId: String? = nil) -> AsyncThrowingStream<AgentCallback, any Error> {
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: AgentCallback.self)
        let task = Task {
            do {
                try await watch(topics: topics, serviceId: serviceId, each: { continuation.yield($0) })
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }

    static func webSocketError(_ error: any Error, url: AgentURL) -> any Error {
        if error is CancellationError || error is AgentError || error is AgentConnectionError { return error }
        if isConnectFailure(error) { return AgentConnectionError.noAgent(url) }
        if let error = error as? WebSocketClientError {
            return AgentConnectionError.webSocketFailed(url, reason: error.description)
        }
        return AgentConnectionError.webSocketFailed(url, reason: "\(error)")
    }
}

/// Carries `body`'s outcome out of the WebSocket client's handler, which returns nothing itself.
private actor WebSocketOutcome<Value: Sendable> {
    private(set) var result: Result<Value, any Error>?

    func finish(_ result: Result<Value, any Error>) {
        self.result = result
    }
}
