import HummingbirdWSClient
import ThreeDPProtocol

/// One open WebSocket to an agent (`/3dp/v1/ws`): requests and their responses, and the callbacks that arrive on
/// the same socket in between. It exists only inside `AgentSession.withWebSocket` and is used by one task.
public final class AgentSocket {
    public let url: AgentURL
    private var inbound: WebSocketInboundMessageStream.AsyncIterator
    private let outbound: WebSocketOutboundWriter
    /// Callbacks that arrived while a request waited for its response, oldest first.
    private var pendingCallbacks: [AgentCallback] = []
    private var pendingStart = 0

    /// The socket ended before the exchange did; the close frame, read once the connection is down, says why.
    struct Ended: Error {}

    init(url: AgentURL, inbound: WebSocketInboundMessageStream.AsyncIterator, outbound: WebSocketOutboundWriter) {
        self.url = url
        self.inbound = inbound
        self.outbound = outbound
    }

    /// Sends a request and waits for its response, keeping the callbacks that come first for `nextCallback()`.
    public func call(_ method: String, params: [String: JSONValue] = [:]) async throws -> JSONValue {
        let id = AgentSession.newRequestID()
        let request = try JSONRPCRequest(id: id, method: method, params: params).encoded()
        try await outbound.write(.text(String(decoding: request, as: UTF8.self)))
        while true {
            guard let messages = try await nextMessages() else { throw Ended() }
            for message in messages {
                switch message {
                case .callback(let callback):
                    pendingCallbacks.append(AgentCallback(callback))
                case .response(let response):
                    return try AgentAnswer.result(of: response, id: id, from: url)
                }
            }
        }
    }

    /// `session.authenticate` (7.2.3 steps 9–10); returns the client id the token belongs to.
    @discardableResult
    public func authenticate(accessToken: String) async throws -> String {
        let result = try await call(ThreeDPTransport.authenticateMethod, params: ["accessToken": .string(accessToken)])
        guard let clientID = result["clientId"]?.stringValue else {
            throw AgentConnectionError.malformedAnswer(url, reason: #"the session.authenticate result has no "clientId""#)
        }
        return clientID
    }

    /// `events.subscribe`: every topic of every printer unless narrowed.
    public func subscribe(topics: [CallbackTopic]? = nil, serviceId: String? = nil) async throws -> AgentSubscription {
        let result = try await call("events.subscribe", params: AgentSubscription.params(topics: topics, serviceId: serviceId))
        return try AgentSubscription(result, from: url)
    }

    /// The next callback, nil once the agent has closed the socket.
    public func nextCallback() async throws -> AgentCallback? {
        while pendingStart == pendingCallbacks.count {
            pendingCallbacks.removeAll(keepingCapacity: true)
            pendingStart = 0
            guard let messages = try await nextMessages() else { return nil }
            for message in messages {
                switch message {
                case .callback(let callback):
                    pendingCallbacks.append(AgentCallback(callback))
                case .response(let response):
                    throw AgentConnectionError.malformedAnswer(
                        url, reason: "a response (id \(response.id ?? "null")) to no request outstanding")
                }
            }
        }
        defer { pendingStart += 1 }
        return pendingCallbacks[pendingStart]
    }

    private func nextMessages() async throws -> [JSONRPCServerMessage]? {
        switch try await inbound.next() {
        case nil: nil
        case .text(let text)?: try AgentAnswer.messages(Array(text.utf8), from: url)
        case .binary(let buffer)?: try AgentAnswer.messages(buffer.readableBytesView, from: url)
        }
    }
}

/// The answer to `events.subscribe`.
public struct AgentSubscription: Sendable, Equatable {
    public var subscriptionId: String
    /// The topics as the agent names them (strings, so a topic newer than this client still shows).
    public var topics: [String]
    public var serviceIds: [String]

    public init(subscriptionId: String, topics: [String], serviceIds: [String]) {
        self.subscriptionId = subscriptionId
        self.topics = topics
        self.serviceIds = serviceIds
    }

    init(_ result: JSONValue, from url: AgentURL) throws(AgentConnectionError) {
        guard let subscriptionId = result["subscriptionId"]?.stringValue else {
            throw .malformedAnswer(url, reason: #"the events.subscribe result has no "subscriptionId""#)
        }
        self.init(subscriptionId: subscriptionId,
                  topics: result["topics"]?.arrayValue?.compactMap(\.stringValue) ?? [],
                  serviceIds: result["serviceIds"]?.arrayValue?.compactMap(\.stringValue) ?? [])
    }

    /// The params of `events.subscribe`; absent members mean "all".
    static func params(topics: [CallbackTopic]?, serviceId: String?) -> [String: JSONValue] {
        var params: [String: JSONValue] = [:]
        if let topics, !topics.isEmpty { params["topics"] = .array(topics.map { .string($0.rawValue) }) }
        if let serviceId { params["serviceId"] = .string(serviceId) }
        return params
    }
}
