import Endpoint
import Hummingbird
import HummingbirdWebSocket
import ManagerClient
import NIOCore
import Testing
import ThreeDPProtocol

/// What the agent's transports do not (yet) do on demand, played by a small scripted server: callbacks pushed
/// after `events.subscribe`, a close frame with a reason, 204 from `events.poll`, and answers that break the
/// contract.
@Suite(.serialized, .timeLimit(.minutes(1)))
struct ScriptedAgentTests {
    static let token = "3dp_good"

    static let status: JSONValue = [
        "serviceId": "mk3s", "state": "printing", "nozzles": [["index": 0, "actual": 215, "target": 215]],
        "bed": ["actual": 60, "target": 60], "chamber": nil, "job": nil, "queuedJobs": 0,
        "measuredAt": "2026-11-21T12:00:01+0100", "timestampFromAgent": true, "reportedAt": "2026-11-21T12:00:01+0100",
    ]
    static let progress: JSONValue = [
        "serviceId": "mk3s", "jobId": "J42", "progress": 0.5, "confirmedLines": 10, "totalLines": 20, "lastConfirmedFileLine": 11,
    ]
    static let pushed = [
        AgentCallback(id: "cb-1", topic: "printer.status", result: status),
        AgentCallback(id: "cb-2", topic: "job.progress", result: progress),
    ]

    static func json(_ bytes: [UInt8], status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    static func callbackBytes(_ callback: AgentCallback) throws -> [UInt8] {
        try JSONRPCCallback(id: callback.id, callbackId: callback.topic, result: callback.result ?? .null).encoded()
    }

    /// POST: `events.poll` for "quiet" answers 204, for anything else the pushed callbacks; `printer.info`
    /// answers with someone else's id; `queue.list` leaves out `dwapiversion`.
    /// WebSocket: expects `session.authenticate` with the token first, answers `events.subscribe`, pushes the
    /// callbacks, then closes: with a reason for serviceId "slow", plainly otherwise.
    static func scriptedAgent() -> some ApplicationProtocol {
        let router = Router(context: BasicWebSocketRequestContext.self)
        router.post("/3dp/v1/rpc") { request, _ -> Response in
            var request = request
            let body = try await request.collectBody(upTo: 1 << 20)
            guard case .single(.success(let call)) = JSONRPCIncoming.decode(body.readableBytesView) else {
                return json([], status: .badRequest)
            }
            switch call.method {
            case "events.poll" where call.params["subscriptionId"] == "quiet":
                return Response(status: .noContent)
            case "events.poll":
                let callbacks = try pushed.map { try JSONValue.parse(try callbackBytes($0)) }
                return json(try JSONRPCResponse.result(id: call.id, ["callbacks": .array(callbacks)]).encoded())
            case "printer.info":
                return json(try JSONRPCResponse.result(id: "not-" + call.id, ["productName": "x"]).encoded())
            case "queue.list":
                return json(Array(#"{"jsonrpc":"2.0","id":"\#(call.id)","result":{"jobs":[]}}"#.utf8))
            default:
                return json(try JSONRPCResponse.error(id: call.id, .methodNotFound(call.method)).encoded())
            }
        }
        router.ws("/3dp/v1/ws") { inbound, outbound, _ in
            var authenticated = false
            for try await message in inbound.messages(maxSize: 1 << 20) {
                guard case .text(let text) = message,
                      case .single(.success(let call)) = JSONRPCIncoming.decode(Array(text.utf8))
                else { return }
                switch call.method {
                case ThreeDPTransport.authenticateMethod where call.params["accessToken"] == .string(token):
                    authenticated = true
                    try await outbound.write(.text(String(decoding: try JSONRPCResponse.result(id: call.id, ["clientId": "client-7"]).encoded(), as: UTF8.self)))
                case "events.subscribe" where authenticated:
                    let granted: JSONValue = ["subscriptionId": "sub-9", "topics": call.params["topics"] ?? [], "serviceIds": ["mk3s"]]
                    try await outbound.write(.text(String(decoding: try JSONRPCResponse.result(id: call.id, granted).encoded(), as: UTF8.self)))
                    for callback in pushed {
                        try await outbound.write(.text(String(decoding: try callbackBytes(callback), as: UTF8.self)))
                    }
                    if call.params["serviceId"] == "slow" {
                        try await outbound.close(.policyViolation, reason: "client too slow for its callbacks")
                    } else {
                        try await outbound.close(.normalClosure, reason: nil)
                    }
                    return
                default:
                    try await outbound.close(.policyViolation, reason: "\(call.method) before authentication")
                    return
                }
            }
        }
        return Application(router: router, server: .http1WebSocketUpgrade(webSocketRouter: router),
                           configuration: .init(address: .hostname("127.0.0.1", port: 0)), logger: LiveAgent.quietLogger)
    }

    @Test func watchAuthenticatesSubscribesAndDeliversCallbacksInOrder() async throws {
        let (subscription, received) = try await LiveAgent.run(Self.scriptedAgent()) { url in
            try await AgentSession.with(url: url, accessToken: Self.token) { session in
                let log = CallbackLog()
                try await session.watch(topics: [.printerStatus, .jobProgress], serviceId: "mk3s",
                                        onSubscribed: { await log.subscribed($0) }, each: { await log.append($0) })
                return (await log.subscription, await log.callbacks)
            }
        }
        #expect(subscription?.subscriptionId == "sub-9")
        #expect(subscription?.topics == ["printer.status", "job.progress"])
        #expect(received == Self.pushed)
    }

    @Test func aCloseWithAReasonEndsTheStreamWithThatReason() async throws {
        let (received, ending) = try await LiveAgent.run(Self.scriptedAgent()) { url in
            try await AgentSession.with(url: url, accessToken: Self.token) { session in
                var received: [AgentCallback] = []
                do {
                    for try await callback in session.watch(topics: nil, serviceId: "slow") { received.append(callback) }
                    return (received, nil as AgentConnectionError?)
                } catch let error as AgentConnectionError {
                    return (received, error)
                }
            }
        }
        #expect(received == Self.pushed)
        guard case .closedByAgent(_, let code, let reason)? = ending else {
            Issue.record("expected closedByAgent, got \(String(describing: ending))")
            return
        }
        #expect(code == 1008)
        #expect(reason == "client too slow for its callbacks")
        #expect(ending?.description.contains(": client too slow for its callbacks (code 1008)") == true)
    }

    @Test func aPlainCloseEndsTheStreamQuietly() async throws {
        let received = try await LiveAgent.run(Self.scriptedAgent()) { url in
            try await AgentSession.with(url: url, accessToken: Self.token) { session in
                var received: [AgentCallback] = []
                for try await callback in session.watch(topics: nil, serviceId: "mk3s") { received.append(callback) }
                return received
            }
        }
        #expect(received == Self.pushed)
    }

    @Test func watchingWithTheWrongTokenEndsWithTheAgentsReason() async throws {
        let error = try await LiveAgent.run(Self.scriptedAgent()) { url in
            await #expect(throws: AgentConnectionError.self) {
                try await AgentSession.with(url: url, accessToken: "3dp_other") { session in
                    try await session.watch(each: { _ in })
                }
            }
        }
        #expect(error == .closedByAgent(error.map(\.url) ?? AgentURL(host: "?"), code: 1008,
                                        reason: "session.authenticate before authentication"))
    }

    @Test func pollReturnsCallbacksOrNothingOn204() async throws {
        let (quiet, busy) = try await LiveAgent.run(Self.scriptedAgent()) { url in
            try await AgentSession.with(url: url, accessToken: Self.token) { session in
                (try await session.poll(subscriptionId: "quiet", timeoutSeconds: 0),
                 try await session.poll(subscriptionId: "sub-9"))
            }
        }
        #expect(quiet.isEmpty)
        #expect(busy == Self.pushed)
    }

    @Test(arguments: [("printer.info", #"is not the request's"#), ("queue.list", #""dwapiversion" is not "1.0""#)])
    func answersThatBreakTheContractAreRefused(_ method: String, _ reason: String) async throws {
        let error = try await LiveAgent.run(Self.scriptedAgent()) { url in
            await #expect(throws: AgentConnectionError.self) {
                try await AgentSession.with(url: url, accessToken: Self.token) { try await $0.call(method) }
            }
        }
        guard case .malformedAnswer(_, let why)? = error else {
            Issue.record("expected malformedAnswer, got \(String(describing: error))")
            return
        }
        #expect(why.contains(reason))
    }
}

/// Collects what `watch` hands over, across its `@Sendable` closures.
private actor CallbackLog {
    var subscription: AgentSubscription?
    var callbacks: [AgentCallback] = []

    func subscribed(_ subscription: AgentSubscription) { self.subscription = subscription }
    func append(_ callback: AgentCallback) { callbacks.append(callback) }
}
