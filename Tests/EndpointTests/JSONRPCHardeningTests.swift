@testable import Endpoint
import Testing
@testable import ThreeDPProtocol

/// Batches are bounded, and a request refused for its numeric id gets that id back (issue 14, finding 3).
struct JSONRPCHardeningTests {
    static func element(_ index: Int) -> String {
        #"{"jsonrpc":"2.0","dwapiversion":"1.0","id":"\#(index)","method":"agent.time"}"#
    }

    @Test func aBatchOverTheLimitIsRefusedWhole() {
        let limits = JSONRPCLimits()
        #expect(limits.maxBatchElements == 100)
        let atLimit = "[" + (0..<100).map(Self.element).joined(separator: ",") + "]"
        guard case .batch(let elements) = JSONRPCIncoming.decode(Array(atLimit.utf8), limits: limits) else {
            Issue.record("100 requests are a batch")
            return
        }
        #expect(elements.count == 100)
        let over = "[" + (0..<11_000).map(Self.element).joined(separator: ",") + "]"
        guard case .invalid(let refusal) = JSONRPCIncoming.decode(Array(over.utf8), limits: limits) else {
            Issue.record("11,000 requests are refused")
            return
        }
        #expect(refusal.error.code == JSONRPCError.invalidRequestCode)
        #expect(refusal.error.message.contains("batch too large (11000 requests, limit 100)"))
    }

    @Test func aNumericIDIsEchoedInTheRefusal() throws {
        let message = #"{"jsonrpc":"2.0","dwapiversion":"1.0","id":7,"method":"agent.time","params":{}}"#
        guard case .single(.failure(let refusal)) = JSONRPCIncoming.decode(Array(message.utf8)) else {
            Issue.record("a numeric id is refused")
            return
        }
        let answer = try JSONValue.parse(refusal.response.encodedOrInternalError())
        #expect(answer["id"] == .integer(7))
        #expect(answer["error"]?["code"]?.intValue == JSONRPCError.invalidRequestCode)
        // A fractional or absent id stays null.
        let fractional = #"{"jsonrpc":"2.0","dwapiversion":"1.0","id":7.5,"method":"agent.time"}"#
        guard case .single(.failure(let other)) = JSONRPCIncoming.decode(Array(fractional.utf8)) else { return }
        #expect(try JSONValue.parse(other.response.encodedOrInternalError())["id"] == .null)
    }
}
