import Endpoint
import Testing
@testable import ThreeDPProtocol

@Suite("3DP-1 batches")
struct JSONRPCBatchTests {
    @Test func mixedBatchIsAnsweredElementWise() throws {
        let text = """
        [
          {"jsonrpc":"2.0","dwapiversion":"1.0","id":"1","method":"printer.status","params":{"serviceId":"p1"}},
          {"jsonrpc":"2.0","dwapiversion":"1.0","id":2,"method":"printer.status"},
          5,
          {"jsonrpc":"2.0","dwapiversion":"0.9","id":"3","method":"printer.info"},
          [],
          {"jsonrpc":"2.0","dwapiversion":"1.0","id":"4","method":"queue.list"}
        ]
        """
        guard case let .batch(elements) = jsonrpcDecode(text) else {
            Issue.record("not decoded as a batch")
            return
        }
        try #require(elements.count == 6)
        #expect(elements[0] == .success(JSONRPCRequest(id: "1", method: "printer.status", params: ["serviceId": "p1"])))
        #expect(elements[1] == .failure(JSONRPCErrorResponse(id: nil, error: .invalidRequest(#""id" must be a string, not number (3DP-1 has no notifications)"#),
                                                             numericID: 2)), "a numeric id is echoed in the refusal")
        #expect(elements[2] == .failure(JSONRPCErrorResponse(id: nil, error: .invalidRequest("batch element must be a request object, not number"))))
        #expect(elements[3] == .failure(JSONRPCErrorResponse(id: "3", error: .invalidRequest(#"unsupported dwapiversion "0.9" (this endpoint speaks "1.0")"#))))
        #expect(elements[4] == .failure(JSONRPCErrorResponse(id: nil, error: .invalidRequest("batch element must be a request object, not array"))))
        #expect(elements[5] == .success(JSONRPCRequest(id: "4", method: "queue.list")))
    }

    @Test func emptyBatchIsOneError() {
        #expect(jsonrpcDecode("[]") == .invalid(JSONRPCErrorResponse(id: nil, error: .invalidRequest("empty batch"))))
    }

    @Test func batchOfOneIsStillABatch() {
        let text = #"[{"jsonrpc":"2.0","dwapiversion":"1.0","id":"only","method":"agent.time"}]"#
        #expect(jsonrpcDecode(text) == .batch([.success(JSONRPCRequest(id: "only", method: "agent.time"))]))
    }

    @Test func aBatchThatIsNotJSONIsOneParseError() {
        let text = #"[{"jsonrpc":"2.0","dwapiversion":"1.0","id":"1","method":"agent.time"},"#
        #expect(jsonrpcRefusal(jsonrpcDecode(text))?.error.code == -32700)
    }

    @Test func batchAnswerEncodesInOrder() throws {
        let responses: [JSONRPCResponse] = [
            .result(id: "1", ["ok": true]),
            .error(id: nil, .invalidRequest("batch element must be a request object, not number")),
            .error(id: "3", .methodNotFound("nope")),
        ]
        #expect(jsonText(try JSONRPCResponse.encodeBatch(responses)) == """
        [{"jsonrpc":"2.0","dwapiversion":"1.0","id":"1","result":{"ok":true}},\
        {"jsonrpc":"2.0","dwapiversion":"1.0","id":null,"error":{"code":-32600,"message":"batch element must be a request object, not number"}},\
        {"jsonrpc":"2.0","dwapiversion":"1.0","id":"3","error":{"code":-32601,"message":"method \\"nope\\" not found"}}]
        """)
    }

    @Test func batchWithAnUnencodableResultReplacesOnlyThatResponse() {
        let responses: [JSONRPCResponse] = [
            .result(id: "1", .number(.nan)),
            .result(id: "2", 2),
        ]
        #expect(throws: JSONEncodingError.self) { try JSONRPCResponse.encodeBatch(responses) }
        #expect(jsonText(JSONRPCResponse.encodeBatchOrInternalErrors(responses)) == """
        [{"jsonrpc":"2.0","dwapiversion":"1.0","id":"1","error":{"code":-32603,"message":"the response could not be encoded: nan is not a JSON number"}},\
        {"jsonrpc":"2.0","dwapiversion":"1.0","id":"2","result":2}]
        """)
    }
}
