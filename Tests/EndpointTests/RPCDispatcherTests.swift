import Endpoint
import Testing
@testable import ThreeDPProtocol

@Suite struct RPCDispatcherTests {
    struct Broken: Error {}

    static let dispatcher: RPCDispatcher = {
        var methods = MethodTable()
        methods.register("agent.time", access: .open) { _, _ in .object(["time": .string("2026-11-21T09:00:00+0100")]) }
        methods.register("printer.status") { request, caller in
            _ = try request.string("serviceId")
            guard case .paired(let client) = caller.credential else { return .null }
            return .object(["client": .string(client)])
        }
        methods.register("printer.broken") { _, _ in throw Broken() }
        return RPCDispatcher(methods: methods)
    }()

    static func send(_ text: String, as caller: RPCCaller = .anonymous) async throws -> JSONValue {
        let bytes = await dispatcher.respond(to: Array(text.utf8), caller: caller)
        return try JSONValue.parse(bytes)
    }

    static func request(_ method: String, id: String = "1", params: String = "{}") -> String {
        #"{"jsonrpc":"2.0","dwapiversion":"1.0","id":"\#(id)","method":"\#(method)","params":\#(params)}"#
    }

    @Test func anOpenMethodAnswersAnyone() async throws {
        let answer = try await Self.send(Self.request("agent.time", id: "a"))
        #expect(answer["id"] == .string("a"))
        #expect(answer["jsonrpc"] == .string("2.0"))
        #expect(answer["dwapiversion"] == .string("1.0"))
        #expect(answer["result"]?["time"] == .string("2026-11-21T09:00:00+0100"))
    }

    @Test(arguments: [
        (RPCCaller.anonymous, 0xF000_0001),
        (RPCCaller(credential: .rejected), 0xF000_0002),
    ])
    func aPairedMethodRefusesCallersWithoutAValidToken(caller: RPCCaller, code: Int) async throws {
        let answer = try await Self.send(Self.request("printer.status", params: #"{"serviceId":"p1"}"#), as: caller)
        #expect(answer["error"]?["code"] == .integer(Int64(code)))
        #expect(answer["id"] == .string("1"))
        #expect(answer["result"] == nil)
    }

    @Test func aPairedCallerIsServed() async throws {
        let answer = try await Self.send(Self.request("printer.status", params: #"{"serviceId":"p1"}"#),
                                         as: RPCCaller(credential: .paired(clientID: "c0ffee01")))
        #expect(answer["result"]?["client"] == .string("c0ffee01"))
    }

    @Test func errorsFromTheMethodReachTheClient() async throws {
        let paired = RPCCaller(credential: .paired(clientID: "c"))
        let missing = try await Self.send(Self.request("printer.status"), as: paired)
        #expect(missing["error"]?["code"] == .integer(-32602))
        let broken = try await Self.send(Self.request("printer.broken"), as: paired)
        #expect(broken["error"]?["code"] == .integer(-32603))
        let unknown = try await Self.send(Self.request("printer.fly"), as: paired)
        #expect(unknown["error"]?["code"] == .integer(-32601))
    }

    @Test func malformedAndOversizedMessagesAreRefused() async throws {
        let garbage = try await Self.send("{\"jsonrpc\":")
        #expect(garbage["error"]?["code"] == .integer(-32700))
        #expect(garbage["id"] == .null)
        let huge = try await Self.send("[" + String(repeating: " ", count: 1 << 20) + "]")
        #expect(huge["error"]?["code"] == .integer(-32600))
        let numericID = try await Self.send(#"{"jsonrpc":"2.0","dwapiversion":"1.0","id":1,"method":"agent.time","params":{}}"#)
        #expect(numericID["error"]?["code"] == .integer(-32600))
    }

    @Test func aBatchIsAnsweredElementByElementInOrder() async throws {
        let batch = "[" + [
            Self.request("agent.time", id: "1"),
            Self.request("printer.status", id: "2", params: #"{"serviceId":"p1"}"#),
            #"{"jsonrpc":"2.0","id":"3","method":"agent.time"}"#,
        ].joined(separator: ",") + "]"
        let answer = try await Self.send(batch)
        guard case .array(let responses) = answer else {
            Issue.record("a batch is answered with an array")
            return
        }
        #expect(responses.map { $0["id"] } == [.string("1"), .string("2"), .string("3")])
        #expect(responses[0]["result"] != nil)
        #expect(responses[1]["error"]?["code"] == .integer(0xF000_0001))
        #expect(responses[2]["error"]?["code"] == .integer(-32600)) // no dwapiversion
    }
}

@Suite struct SessionAuthenticationTests {
    static let dispatcher: RPCDispatcher = {
        var methods = MethodTable()
        methods.register("printer.info") { _, _ in .object(["productName": .string("Virtual i3")]) }
        return RPCDispatcher(methods: methods) { token in token == "3dp_good" ? .paired(clientID: "0a1b2c3d") : .rejected }
    }()

    static func request(_ method: String, params: String = "{}") -> [UInt8] {
        Array(#"{"jsonrpc":"2.0","dwapiversion":"1.0","id":"7","method":"\#(method)","params":\#(params)}"#.utf8)
    }

    @Test func aWebSocketSessionIsAnonymousUntilItAuthenticates() async throws {
        var session = RPCCaller.anonymous
        let before = try JSONValue.parse(await Self.dispatcher.respond(to: Self.request("printer.info"), session: &session))
        #expect(before["error"]?["code"] == .integer(0xF000_0001))
        let login = try JSONValue.parse(await Self.dispatcher.respond(
            to: Self.request("session.authenticate", params: #"{"accessToken":"3dp_good"}"#), session: &session))
        #expect(login["result"]?["clientId"] == .string("0a1b2c3d"))
        #expect(session == RPCCaller(credential: .paired(clientID: "0a1b2c3d")))
        let after = try JSONValue.parse(await Self.dispatcher.respond(to: Self.request("printer.info"), session: &session))
        #expect(after["result"]?["productName"] == .string("Virtual i3"))
    }

    @Test func aBadTokenFailsAuthenticationAndDropsAnEarlierOne() async throws {
        var session = RPCCaller(credential: .paired(clientID: "0a1b2c3d"))
        let login = try JSONValue.parse(await Self.dispatcher.respond(
            to: Self.request("session.authenticate", params: #"{"accessToken":"3dp_stolen"}"#), session: &session))
        #expect(login["error"]?["code"] == .integer(0xF000_0002))
        #expect(session == RPCCaller(credential: .rejected))
        let missing = try JSONValue.parse(await Self.dispatcher.respond(to: Self.request("session.authenticate"), session: &session))
        #expect(missing["error"]?["code"] == .integer(-32602))
    }

    @Test(arguments: [
        (nil as String?, RPCCaller.anonymous),
        ("Bearer 3dp_good", RPCCaller(credential: .paired(clientID: "0a1b2c3d"))),
        ("bearer 3dp_good", RPCCaller(credential: .paired(clientID: "0a1b2c3d"))),
        ("Bearer 3dp_bad", RPCCaller(credential: .rejected)),
        ("Basic dXNlcjpwYXNz", RPCCaller(credential: .rejected)),
    ])
    func anHTTPCallerIsWhoTheBearerTokenSays(header: String?, expected: RPCCaller) {
        #expect(Self.dispatcher.caller(authorization: header) == expected)
    }
}
