import Endpoint
import Hummingbird
import ManagerClient
import Testing
import ThreeDPProtocol

/// The client against the agent's own transports (`EndpointApplication`) over real loopback sockets.
@Suite(.serialized, .timeLimit(.minutes(1)))
struct AgentSessionTests {
    static let goodToken = "3dp_good"

    /// An endpoint whose handlers answer from what reached them, so each test can see what the client sent.
    static func endpoint(maxMessageBytes: Int = 1 << 20) -> some ApplicationProtocol {
        var methods = MethodTable()
        methods.register("agent.time", access: .open) { _, _ in
            ["time": "2026-11-21T12:00:00+0100", "utcOffset": "+0100", "zoneKnown": true, "synchronised": true]
        }
        methods.register("printer.status") { request, caller in
            let serviceId = try request.string("serviceId")
            guard serviceId == "mk3s" else { throw JSONRPCError.noService(["serviceId": .string(serviceId)]) }
            guard case .paired(let clientID) = caller.credential else { throw JSONRPCError.internalError("unpaired caller") }
            return ["serviceId": .string(serviceId), "state": "idle", "calledBy": .string(clientID)]
        }
        methods.register("events.subscribe") { request, _ in
            let topics = try request.optionalStrings("topics") ?? CallbackTopic.allCases.map(\.rawValue)
            return ["subscriptionId": "sub-1", "topics": .array(topics.map(JSONValue.string)), "serviceIds": ["mk3s"]]
        }
        let dispatcher = RPCDispatcher(methods: methods, limits: JSONRPCLimits(maxMessageBytes: maxMessageBytes)) { token in
            token == goodToken ? .paired(clientID: "client-7") : .rejected
        }
        return EndpointApplication.make(dispatcher: dispatcher, host: "127.0.0.1", port: 0, logger: LiveAgent.quietLogger)
    }

    @Test func anOpenMethodAnswersWithoutAToken() async throws {
        let time = try await LiveAgent.run(Self.endpoint()) { url in
            try await AgentSession.with(url: url, accessToken: nil) { try await $0.call("agent.time") }
        }
        #expect(time["time"] == "2026-11-21T12:00:00+0100")
        #expect(time["synchronised"] == true)
    }

    @Test func theAccessTokenTravelsAsABearerHeader() async throws {
        let status = try await LiveAgent.run(Self.endpoint()) { url in
            try await AgentSession.with(url: url, accessToken: Self.goodToken) {
                try await $0.call("printer.status", params: ["serviceId": "mk3s"])
            }
        }
        #expect(status["calledBy"] == "client-7")
    }

    @Test(arguments: [
        (nil, "mk3s", 0xF000_0001, "run `3dp-agent client pair` first"),
        ("3dp_revoked", "mk3s", 0xF000_0002, "run `3dp-agent client pair` again"),
        (goodToken, "ender", 5, #"No service {"serviceId":"ender"} (5)"#),
    ] as [(String?, String, Int, String)])
    func errorResponsesBecomeAgentErrors(_ token: String?, _ serviceId: String, _ code: Int, _ text: String) async throws {
        let error = try await LiveAgent.run(Self.endpoint()) { url in
            await #expect(throws: AgentError.self) {
                try await AgentSession.with(url: url, accessToken: token) {
                    try await $0.call("printer.status", params: ["serviceId": .string(serviceId)])
                }
            }
        }
        #expect(error?.code == code)
        #expect(error?.description.contains(text) == true)
    }

    @Test func aRequestOverTheAgentsLimitIsRefusedAsTooLarge() async throws {
        let error = try await LiveAgent.run(Self.endpoint(maxMessageBytes: 256)) { url in
            await #expect(throws: AgentConnectionError.self) {
                try await AgentSession.with(url: url, accessToken: nil) {
                    try await $0.call("agent.time", params: ["padding": .string(String(repeating: "x", count: 4096))])
                }
            }
        }
        guard case .requestTooLarge(_, let detail)? = error else {
            Issue.record("expected requestTooLarge, got \(String(describing: error))")
            return
        }
        #expect(detail.contains("256"))
    }

    @Test func nothingListeningIsNoAgent() async throws {
        // The address of an agent that has just stopped: nothing listens there any more.
        let url = try await LiveAgent.run(Self.endpoint()) { $0 }
        try await AgentSession.with(url: url, accessToken: nil) { session in
            let overHTTP = await #expect(throws: AgentConnectionError.self) { try await session.call("agent.time") }
            #expect(overHTTP == .noAgent(url))
            #expect(overHTTP?.description == "no agent answers at \(url); is `3dp-agent run` running there?")
            let overWebSocket = await #expect(throws: AgentConnectionError.self) {
                try await session.withWebSocket { try await $0.call("agent.time") }
            }
            #expect(overWebSocket == .noAgent(url))
        }
    }

    @Test func aWebSocketAuthenticatesThenSubscribes() async throws {
        let (clientID, subscription, time) = try await LiveAgent.run(Self.endpoint()) { url in
            try await AgentSession.with(url: url, accessToken: Self.goodToken) { session in
                try await session.withWebSocket { socket in
                    let clientID = try await socket.authenticate(accessToken: Self.goodToken)
                    let subscription = try await socket.subscribe(topics: [.jobProgress, .printerError], serviceId: "mk3s")
                    return (clientID, subscription, try await socket.call("agent.time"))
                }
            }
        }
        #expect(clientID == "client-7")
        #expect(subscription == AgentSubscription(subscriptionId: "sub-1", topics: ["job.progress", "printer.error"], serviceIds: ["mk3s"]))
        #expect(time["utcOffset"] == "+0100")
    }

    @Test func aWebSocketWithAnUnknownTokenIsRefused() async throws {
        let error = try await LiveAgent.run(Self.endpoint()) { url in
            await #expect(throws: AgentError.self) {
                try await AgentSession.with(url: url, accessToken: nil) { session in
                    try await session.withWebSocket { try await $0.authenticate(accessToken: "3dp_stolen") }
                }
            }
        }
        #expect(error?.code == 0xF000_0002)
    }

    @Test func watchingWithoutATokenIsRefusedWithAHint() async throws {
        let error = try await LiveAgent.run(Self.endpoint()) { url in
            await #expect(throws: AgentError.self) {
                try await AgentSession.with(url: url, accessToken: nil) { session in
                    try await session.watch(topics: nil, serviceId: nil, each: { _ in })
                }
            }
        }
        // The test endpoint's events.subscribe is paired-only, as the agent's is.
        #expect(error?.code == 0xF000_0001)
    }
}
