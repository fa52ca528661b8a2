import Endpoint
import Testing
@testable import ThreeDPProtocol

@Suite("3DP-1 agent messages read back by a Manager")
struct JSONRPCServerMessageTests {
    static let messages: [JSONRPCServerMessage] = [
        .response(.result(id: "1", ["state": "idle", "nozzle": ["actual": 24.5, "target": 0]])),
        .response(.result(id: "2", nil)),
        .response(.error(id: nil, .parseError("parse error: unexpected end of input at byte 0"))),
        .response(.error(id: "3", .authenticationDenied())),
        .response(.error(id: "4", .contentIntegrityFailed(["expected": "ab12", "actual": "cd34"]))),
        .callback(JSONRPCCallback(id: "cb-9", callbackId: "job.progress", result: ["jobId": "j1", "progress": 0.5])),
        .callback(JSONRPCCallback(id: "cb-10", callbackId: "printer.error", outcome: .error(.printerNotConnected()))),
    ]

    @Test(arguments: messages)
    func roundTrips(_ message: JSONRPCServerMessage) throws {
        let bytes: [UInt8] = switch message {
        case let .response(response): try response.encoded()
        case let .callback(callback): try callback.encoded()
        }
        #expect(try JSONRPCServerMessage.decode(bytes) == [message])
    }

    @Test func aBatchAnswerReadsAsItsResponses() throws {
        let responses: [JSONRPCResponse] = [.result(id: "a", 1), .error(id: nil, .invalidRequest("empty batch"))]
        #expect(try JSONRPCServerMessage.decode(JSONRPCResponse.encodeBatch(responses)) == responses.map { .response($0) })
    }

    @Test(arguments: [
        (#"{"jsonrpc":"2.0","id":"1","result":1}"#, #""dwapiversion" is not "1.0""#),
        (#"{"jsonrpc":"2.0","dwapiversion":"1.1","id":"1","result":1}"#, #""dwapiversion" is not "1.0""#),
        (#"{"dwapiversion":"1.0","id":"1","result":1}"#, #""jsonrpc" is not "2.0""#),
        (#"{"jsonrpc":"2.0","dwapiversion":"1.0","id":"1"}"#, #"neither "result" nor "error""#),
        (#"{"jsonrpc":"2.0","dwapiversion":"1.0","id":"1","result":1,"error":{"code":1,"message":"m"}}"#, #"both "result" and "error""#),
        (#"{"jsonrpc":"2.0","dwapiversion":"1.0","id":null,"result":1}"#, #"a result with a null "id""#),
        (#"{"jsonrpc":"2.0","dwapiversion":"1.0","result":1}"#, #"missing "id""#),
        (#"{"jsonrpc":"2.0","dwapiversion":"1.0","id":1,"result":1}"#, #""id" is number, not a string"#),
        (#"{"jsonrpc":"2.0","dwapiversion":"1.0","id":"1","error":"bad"}"#, #""error" is string, not an object"#),
        (#"{"jsonrpc":"2.0","dwapiversion":"1.0","id":"1","error":{"code":1.5,"message":"m"}}"#, #""error" has no integer "code""#),
        (#"{"jsonrpc":"2.0","dwapiversion":"1.0","id":"1","error":{"code":1}}"#, #""error" has no string "message""#),
        (#"{"jsonrpc":"2.0","dwapiversion":"1.0","id":null,"callbackId":"t","error":{"code":1,"message":"m"}}"#, #"a callback with a null "id""#),
        (#"{"jsonrpc":"2.0","dwapiversion":"1.0","id":"1","callbackId":7,"result":{}}"#, #""callbackId" is number, not a string"#),
        (#"[{"jsonrpc":"2.0","dwapiversion":"1.0","id":"1","callbackId":"t","result":{}}]"#, "a callback inside a batch answer"),
        (#"[1]"#, "batch element is number, not an object"),
        ("[]", "message is array, not an object or a non-empty array"),
        ("{", "not JSON: unterminated object at byte 1"),
    ])
    func refusesMalformedMessages(text: String, reason: String) {
        #expect(throws: JSONRPCServerMessageError(reason: reason)) { try JSONRPCServerMessage.decode(Array(text.utf8)) }
    }
}
