import Endpoint
import Testing
@testable import ThreeDPProtocol

@Suite("3DP-1 responses and callbacks on the wire")
struct JSONRPCEncodingTests {
    struct Wire: Sendable, CustomTestStringConvertible {
        var name: String
        var encode: @Sendable () throws -> [UInt8]
        var expected: String
        var testDescription: String { name }
    }

    static let wires: [Wire] = [
        Wire(name: "result", encode: { try JSONRPCResponse.result(id: "42", ["state": "printing", "progress": 0.25, "layer": 12]).encoded() },
             expected: #"{"jsonrpc":"2.0","dwapiversion":"1.0","id":"42","result":{"layer":12,"progress":0.25,"state":"printing"}}"#),
        Wire(name: "empty result", encode: { try JSONRPCResponse.result(id: "1", [:]).encoded() },
             expected: #"{"jsonrpc":"2.0","dwapiversion":"1.0","id":"1","result":{}}"#),
        Wire(name: "error without data", encode: { try JSONRPCResponse.error(id: "9", .dataNotPresent()).encoded() },
             expected: #"{"jsonrpc":"2.0","dwapiversion":"1.0","id":"9","error":{"code":11,"message":"The type of data requested is not present"}}"#),
        Wire(name: "error with data", encode: { try JSONRPCResponse.error(id: "9", .pairingLocked(["retryAfter": 60])).encoded() },
             expected: #"{"jsonrpc":"2.0","dwapiversion":"1.0","id":"9","error":{"code":754976001,"message":"Pairing is locked after too many wrong codes; try again later.","data":{"retryAfter":60}}}"#),
        Wire(name: "security code as its unsigned value", encode: { try JSONRPCResponse.error(id: "s", .authenticationFailed()).encoded() },
             expected: #"{"jsonrpc":"2.0","dwapiversion":"1.0","id":"s","error":{"code":4026531842,"message":"The authentication failed"}}"#),
        Wire(name: "parse error has a null id", encode: { try JSONRPCResponse.error(id: nil, .parseError("parse error: unexpected end of input at byte 0")).encoded() },
             expected: #"{"jsonrpc":"2.0","dwapiversion":"1.0","id":null,"error":{"code":-32700,"message":"parse error: unexpected end of input at byte 0"}}"#),
        Wire(name: "id with characters to escape", encode: { try JSONRPCResponse.result(id: "a\"b\\c\u{01}", nil).encoded() },
             expected: #"{"jsonrpc":"2.0","dwapiversion":"1.0","id":"a\"b\\c\u0001","result":null}"#),
        Wire(name: "callback", encode: {
            try JSONRPCCallback(id: "cb-1", callbackId: "printer.temperature",
                                result: ["serviceId": "p1", "nozzle": ["actual": 210.5, "target": 210], "bed": ["actual": 60, "target": 60]]).encoded()
        }, expected: #"{"jsonrpc":"2.0","dwapiversion":"1.0","id":"cb-1","callbackId":"printer.temperature","result":{"bed":{"actual":60,"target":60},"nozzle":{"actual":210.5,"target":210},"serviceId":"p1"}}"#),
        Wire(name: "error callback", encode: {
            try JSONRPCCallback(id: "cb-2", callbackId: "printer.error", outcome: .error(.printerHalted(["reason": "thermal runaway"]))).encoded()
        }, expected: #"{"jsonrpc":"2.0","dwapiversion":"1.0","id":"cb-2","callbackId":"printer.error","error":{"code":754974978,"message":"The printer's firmware has halted (kill, thermal runaway) and needs a reset.","data":{"reason":"thermal runaway"}}}"#),
        Wire(name: "request", encode: { try JSONRPCRequest(id: "r1", method: "events.subscribe", params: ["topics": ["printer.status"]]).encoded() },
             expected: #"{"jsonrpc":"2.0","dwapiversion":"1.0","id":"r1","method":"events.subscribe","params":{"topics":["printer.status"]}}"#),
    ]

    @Test(arguments: wires)
    func encodesExactly(_ wire: Wire) throws {
        #expect(jsonText(try wire.encode()) == wire.expected)
    }

    @Test func theSameValueAlwaysEncodesToTheSameBytes() throws {
        var members: [String: JSONValue] = [:]
        for index in 0..<200 { members["k\(index)"] = .integer(Int64(index)) }
        let first = try JSONRPCResponse.result(id: "x", .object(members)).encoded()
        var shuffled: [String: JSONValue] = [:]
        var random = JSONRPCFuzzRandom(seed: 7)
        for (key, value) in members.shuffled(using: &random) { shuffled[key] = value }
        #expect(try JSONRPCResponse.result(id: "x", .object(shuffled)).encoded() == first)
    }

    @Test func aRequestRoundTripsThroughTheDecoder() throws {
        let request = JSONRPCRequest(id: "rt", method: "printer.gcode", params: ["serviceId": "p1", "lines": ["M105", "M117 héllo \"there\""], "timeout": 2.5])
        #expect(JSONRPCIncoming.decode(try request.encoded()) == .single(.success(request)))
    }

    @Test func anUnencodableResultBecomesAnInternalErrorWithTheSameId() {
        let response = JSONRPCResponse.result(id: "n", ["temperature": .number(.infinity)])
        #expect(throws: JSONEncodingError(reason: "inf is not a JSON number")) { try response.encoded() }
        #expect(jsonText(response.encodedOrInternalError()) ==
            #"{"jsonrpc":"2.0","dwapiversion":"1.0","id":"n","error":{"code":-32603,"message":"the response could not be encoded: inf is not a JSON number"}}"#)
    }

    @Test func aResponseParsesBackToItsParts() throws {
        let bytes = try JSONRPCResponse.error(id: "e", .jobNotFound(["jobId": "j-7"])).encoded()
        let parsed = try JSONValue.parse(bytes)
        #expect(parsed == ["jsonrpc": "2.0", "dwapiversion": "1.0", "id": "e",
                           "error": ["code": .integer(Int64(JSONRPCError.jobNotFoundCode)), "message": "No job with this id is in the queue.", "data": ["jobId": "j-7"]]])
    }
}
