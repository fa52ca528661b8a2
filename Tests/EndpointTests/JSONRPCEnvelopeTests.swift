import Endpoint
import Testing
@testable import ThreeDPProtocol

@Suite("3DP-1 request envelope")
struct JSONRPCEnvelopeTests {
    @Test func validRequestDecodes() {
        let incoming = jsonrpcDecode(#"{"jsonrpc":"2.0","dwapiversion":"1.0","id":"7","method":"printer.status","params":{"serviceId":"p1"}}"#)
        #expect(incoming == .single(.success(JSONRPCRequest(id: "7", method: "printer.status", params: ["serviceId": "p1"]))))
    }

    @Test func missingParamsIsAnEmptyObject() {
        let incoming = jsonrpcDecode(#"{"jsonrpc":"2.0","dwapiversion":"1.0","id":"a","method":"agent.time"}"#)
        #expect(incoming == .single(.success(JSONRPCRequest(id: "a", method: "agent.time", params: [:]))))
    }

    @Test func unknownMembersAreIgnoredAndWhitespaceAllowed() {
        let incoming = jsonrpcDecode(" \n{ \"x-trace\" : [1,2], \"jsonrpc\":\"2.0\",\t\"dwapiversion\":\"1.0\",\"id\":\"\",\"method\":\"m\",\"params\":{} }\r\n")
        #expect(incoming == .single(.success(JSONRPCRequest(id: "", method: "m"))))
    }

    struct Refusal: Sendable, CustomTestStringConvertible {
        var message: String
        var code: Int
        var echoedID: String?
        /// A piece of the error message that must be there, so the client learns which member is wrong.
        var saying: String
        var testDescription: String { saying }
    }

    static let refusals: [Refusal] = [
        // Message level.
        Refusal(message: "", code: -32700, echoedID: nil, saying: "unexpected end of input"),
        Refusal(message: "   ", code: -32700, echoedID: nil, saying: "unexpected end of input"),
        Refusal(message: #"{"jsonrpc":"2.0""#, code: -32700, echoedID: nil, saying: "unterminated object"),
        Refusal(message: #"{"jsonrpc":"2.0",}"#, code: -32700, echoedID: nil, saying: "member name"),
        Refusal(message: #"{"id":"1"} x"#, code: -32700, echoedID: nil, saying: "after the JSON value"),
        Refusal(message: "{'id':'1'}", code: -32700, echoedID: nil, saying: "member name"),
        Refusal(message: #"{"id":"1","id":"2"}"#, code: -32700, echoedID: nil, saying: #"duplicate member name "id""#),
        Refusal(message: "\"text\"", code: -32600, echoedID: nil, saying: "not string"),
        Refusal(message: "42", code: -32600, echoedID: nil, saying: "not number"),
        Refusal(message: "null", code: -32600, echoedID: nil, saying: "not null"),
        Refusal(message: "[]", code: -32600, echoedID: nil, saying: "empty batch"),
        Refusal(message: " [ ] ", code: -32600, echoedID: nil, saying: "empty batch"),
        // jsonrpc
        Refusal(message: #"{"dwapiversion":"1.0","id":"1","method":"m"}"#, code: -32600, echoedID: "1", saying: #"missing "jsonrpc""#),
        Refusal(message: #"{"jsonrpc":"1.0","dwapiversion":"1.0","id":"1","method":"m"}"#, code: -32600, echoedID: "1", saying: #"unsupported jsonrpc version "1.0""#),
        Refusal(message: #"{"jsonrpc":2.0,"dwapiversion":"1.0","id":"1","method":"m"}"#, code: -32600, echoedID: "1", saying: #""jsonrpc" must be the string "2.0", not number"#),
        // dwapiversion
        Refusal(message: #"{"jsonrpc":"2.0","id":"1","method":"m"}"#, code: -32600, echoedID: "1", saying: #"missing "dwapiversion""#),
        Refusal(message: #"{"jsonrpc":"2.0","dwapiversion":"1.1","id":"1","method":"m"}"#, code: -32600, echoedID: "1", saying: #"unsupported dwapiversion "1.1""#),
        Refusal(message: #"{"jsonrpc":"2.0","cmapiversion":"1.1","id":"1","method":"m"}"#, code: -32600, echoedID: "1", saying: #"missing "dwapiversion""#),
        Refusal(message: #"{"jsonrpc":"2.0","dwapiversion":1,"id":"1","method":"m"}"#, code: -32600, echoedID: "1", saying: #""dwapiversion" must be the string "1.0", not number"#),
        // id
        Refusal(message: #"{"jsonrpc":"2.0","dwapiversion":"1.0","method":"m"}"#, code: -32600, echoedID: nil, saying: #"missing "id""#),
        Refusal(message: #"{"jsonrpc":"2.0","dwapiversion":"1.0","id":null,"method":"m"}"#, code: -32600, echoedID: nil, saying: #""id" must be a string, not null"#),
        Refusal(message: #"{"jsonrpc":"2.0","dwapiversion":"1.0","id":1,"method":"m"}"#, code: -32600, echoedID: nil, saying: #""id" must be a string, not number"#),
        Refusal(message: #"{"jsonrpc":"2.0","dwapiversion":"1.0","id":["1"],"method":"m"}"#, code: -32600, echoedID: nil, saying: #""id" must be a string, not array"#),
        // method
        Refusal(message: #"{"jsonrpc":"2.0","dwapiversion":"1.0","id":"9"}"#, code: -32600, echoedID: "9", saying: #"missing "method""#),
        Refusal(message: #"{"jsonrpc":"2.0","dwapiversion":"1.0","id":"9","method":""}"#, code: -32600, echoedID: "9", saying: #""method" must not be empty"#),
        Refusal(message: #"{"jsonrpc":"2.0","dwapiversion":"1.0","id":"9","method":7}"#, code: -32600, echoedID: "9", saying: #""method" must be a string, not number"#),
        // params
        Refusal(message: #"{"jsonrpc":"2.0","dwapiversion":"1.0","id":"9","method":"m","params":["p1"]}"#, code: -32600, echoedID: "9", saying: #""params" must be an object, not array"#),
        Refusal(message: #"{"jsonrpc":"2.0","dwapiversion":"1.0","id":"9","method":"m","params":"p1"}"#, code: -32600, echoedID: "9", saying: #""params" must be an object, not string"#),
        Refusal(message: #"{"jsonrpc":"2.0","dwapiversion":"1.0","id":"9","method":"m","params":null}"#, code: -32600, echoedID: "9", saying: #""params" must be an object, not null"#),
    ]

    @Test(arguments: refusals)
    func refusedWithTheRightCode(_ refusal: Refusal) throws {
        let answer = try #require(jsonrpcRefusal(jsonrpcDecode(refusal.message)))
        #expect(answer.error.code == refusal.code)
        #expect(answer.id == refusal.echoedID)
        #expect(answer.error.message.contains(refusal.saying), "\(answer.error.message)")
        #expect(answer.error.data == nil)
    }

    @Test func parseErrorNamesTheByteOffset() throws {
        let answer = try #require(jsonrpcRefusal(jsonrpcDecode(#"{"id": tru}"#)))
        #expect(answer.error == .parseError("parse error: invalid literal (expected true) at byte 7"))
    }

    @Test func anErrorResponseOfARefusedRequestEncodesWithItsId() throws {
        let answer = try #require(jsonrpcRefusal(jsonrpcDecode(#"{"jsonrpc":"2.0","dwapiversion":"2.0","id":"x1","method":"m"}"#)))
        #expect(jsonText(try answer.response.encoded()) ==
            #"{"jsonrpc":"2.0","dwapiversion":"1.0","id":"x1","error":{"code":-32600,"message":"unsupported dwapiversion \"2.0\" (this endpoint speaks \"1.0\")"}}"#)
    }

    @Test func decodesFromAnyCollectionOfBytes() {
        let text = #"{"jsonrpc":"2.0","dwapiversion":"1.0","id":"1","method":"queue.list"}"#
        let expected = JSONRPCIncoming.single(.success(JSONRPCRequest(id: "1", method: "queue.list")))
        #expect(JSONRPCIncoming.decode(Array(text.utf8)) == expected)
        #expect(JSONRPCIncoming.decode(Array(("xx" + text).utf8).dropFirst(2)) == expected)
        // Not contiguous: goes through a copy.
        #expect(JSONRPCIncoming.decode(text.utf8) == expected)
    }
}
