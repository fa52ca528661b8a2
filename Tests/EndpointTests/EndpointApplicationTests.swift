import Endpoint
import Foundation
import Hummingbird
import HummingbirdTesting
import HummingbirdWSTesting
import NIOCore
import Testing
@testable import ThreeDPProtocol

/// The transports over real loopback sockets and the router: the same dispatcher behind HTTP and WebSocket.
@Suite(.timeLimit(.minutes(1)))
struct EndpointApplicationTests {
    static func dispatcher() -> RPCDispatcher {
        var methods = MethodTable()
        methods.register("agent.time", access: .open) { _, _ in .object(["time": .string("2026-11-21T09:00:00+0100")]) }
        methods.register("printer.info") { _, _ in .object(["productName": .string("Virtual i3")]) }
        return RPCDispatcher(methods: methods) { token in token == "3dp_good" ? .paired(clientID: "0a1b2c3d") : .rejected }
    }

    static func request(_ method: String, id: String = "1", params: String = "{}") -> String {
        #"{"jsonrpc":"2.0","dwapiversion":"1.0","id":"\#(id)","method":"\#(method)","params":\#(params)}"#
    }

    static func post(_ client: some TestClientProtocol, _ body: String, token: String? = nil) async throws -> (HTTPResponse.Status, JSONValue) {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let token { headers[.authorization] = "Bearer \(token)" }
        return try await client.execute(uri: "/3dp/v1/rpc", method: .post, headers: headers,
                                        body: ByteBuffer(string: body)) { response in
            (response.status, try JSONValue.parse(Array(response.body.readableBytesView)))
        }
    }

    @Test func httpAnswersOpenMethodsAndRequiresATokenForTheRest() async throws {
        let app = EndpointApplication.make(dispatcher: Self.dispatcher(), port: 0)
        try await app.test(.router) { client in
            let (status, time) = try await Self.post(client, Self.request("agent.time"))
            #expect(status == .ok)
            #expect(time["result"]?["time"] == .string("2026-11-21T09:00:00+0100"))
            let (_, refused) = try await Self.post(client, Self.request("printer.info"))
            #expect(refused["error"]?["code"] == .integer(0xF000_0001))
            let (_, info) = try await Self.post(client, Self.request("printer.info"), token: "3dp_good")
            #expect(info["result"]?["productName"] == .string("Virtual i3"))
            let (_, stolen) = try await Self.post(client, Self.request("printer.info"), token: "3dp_other")
            #expect(stolen["error"]?["code"] == .integer(0xF000_0002))
        }
    }

    @Test func httpRefusesAMessageOverOneMebibyte() async throws {
        let app = EndpointApplication.make(dispatcher: Self.dispatcher(), port: 0)
        try await app.test(.router) { client in
            let padding = String(repeating: " ", count: 1 << 20)
            let (status, refusal) = try await Self.post(client, Self.request("agent.time") + padding)
            #expect(status == .contentTooLarge)
            #expect(refusal["error"]?["code"] == .integer(-32600))
        }
    }

    @Test func aWebSocketSessionAuthenticatesOnceAndIsServed() async throws {
        let app = EndpointApplication.make(dispatcher: Self.dispatcher(), host: "127.0.0.1", port: 0)
        _ = try await app.test(.live) { client in
            try await client.ws("/3dp/v1/ws") { inbound, outbound, _ in
                var frames = inbound.messages(maxSize: 1 << 20).makeAsyncIterator()
                func ask(_ text: String) async throws -> JSONValue {
                    try await outbound.write(.text(text))
                    guard case .text(let answer)? = try await frames.next() else { throw CancellationError() }
                    return try JSONValue.parse(Array(answer.utf8))
                }
                let before = try await ask(Self.request("printer.info", id: "a"))
                #expect(before["error"]?["code"] == .integer(0xF000_0001))
                let login = try await ask(Self.request("session.authenticate", id: "b", params: #"{"accessToken":"3dp_good"}"#))
                #expect(login["result"]?["clientId"] == .string("0a1b2c3d"))
                let info = try await ask(Self.request("printer.info", id: "c"))
                #expect(info["id"] == .string("c"))
                #expect(info["result"]?["productName"] == .string("Virtual i3"))
                let garbage = try await ask("{not json")
                #expect(garbage["error"]?["code"] == .integer(-32700))
            }
        }
    }
}
