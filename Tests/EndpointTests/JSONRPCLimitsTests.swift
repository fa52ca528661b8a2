import Endpoint
import Testing
@testable import ThreeDPProtocol

@Suite("3DP-1 message limits")
struct JSONRPCLimitsTests {
    /// A valid request padded with spaces to exactly `size` bytes.
    static let head = Array(#"{"jsonrpc":"2.0","dwapiversion":"1.0","id":"big","method":"m","params":{"pad":""#.utf8)
    static let tail = Array(#""}}"#.utf8)

    static func request(ofSize size: Int) -> [UInt8] {
        head + [UInt8](repeating: UInt8(ascii: "x"), count: size - head.count - tail.count) + tail
    }

    @Test func exactlyOneMebibyteIsAccepted() throws {
        let bytes = Self.request(ofSize: 1_048_576)
        guard case let .single(.success(request)) = JSONRPCIncoming.decode(bytes) else {
            Issue.record("a 1 MiB request was refused")
            return
        }
        #expect(try request.string("pad").count == 1_048_576 - Self.head.count - Self.tail.count)
    }

    @Test func oneByteMoreIsRefusedBySizeAlone() {
        let bytes = Self.request(ofSize: 1_048_577)
        #expect(JSONRPCIncoming.decode(bytes) ==
            .invalid(JSONRPCErrorResponse(id: nil, error: .invalidRequest("message too large (1048577 bytes, limit 1048576)"))))
        // Not parsed: garbage of the same size earns the same answer, not a parse error.
        let garbage = [UInt8](repeating: 0xFF, count: 1_048_577)
        #expect(jsonrpcRefusal(JSONRPCIncoming.decode(garbage))?.error.message == "message too large (1048577 bytes, limit 1048576)")
    }

    @Test func theSizeLimitIsConfigurable() {
        let limits = JSONRPCLimits(maxMessageBytes: 10, maxDepth: 32)
        #expect(jsonrpcRefusal(jsonrpcDecode("[1,2,3,4,5]", limits: limits))?.error == .invalidRequest("message too large (11 bytes, limit 10)"))
        // Exactly at the limit it is read, and answered as a batch of four bad elements.
        let notRequest = JSONRPCErrorResponse(id: nil, error: .invalidRequest("batch element must be a request object, not number"))
        #expect(jsonrpcDecode("[1,2,3,45]", limits: limits) == .batch(Array(repeating: .failure(notRequest), count: 4)))
    }

    /// A request whose params nest arrays so that the whole message is `depth` levels deep.
    static func request(ofDepth depth: Int) -> String {
        let arrays = depth - 2 // the request object and its params object
        return #"{"jsonrpc":"2.0","dwapiversion":"1.0","id":"deep","method":"m","params":{"a":"#
            + String(repeating: "[", count: arrays) + String(repeating: "]", count: arrays) + "}}"
    }

    @Test func depth32IsAcceptedAnd33Refused() {
        guard case .single(.success) = jsonrpcDecode(Self.request(ofDepth: 32)) else {
            Issue.record("depth 32 was refused")
            return
        }
        #expect(jsonrpcDecode(Self.request(ofDepth: 33)) ==
            .invalid(JSONRPCErrorResponse(id: nil, error: .invalidRequest("nested too deeply (more than 32 levels)"))))
    }

    @Test func overDeepInputIsRefusedEvenWhenItIsNotJSON() {
        // 100 000 open brackets: the parser stops at level 33 and never recurses deeper.
        let hostile = String(repeating: "[", count: 100_000)
        #expect(jsonrpcRefusal(jsonrpcDecode(hostile))?.error == .invalidRequest("nested too deeply (more than 32 levels)"))
        // Brackets and braces in turn are no JSON from the second byte on: refused as such, at once.
        let mixed = String(repeating: "[{", count: 50_000)
        #expect(jsonrpcRefusal(jsonrpcDecode(mixed))?.error.code == -32700)
    }

    struct ScanCase: Sendable, CustomTestStringConvertible {
        var text: String
        var limit: Int
        var exceeds: Bool
        var testDescription: String { "\(text) limit \(limit)" }
    }

    static let scans: [ScanCase] = [
        ScanCase(text: "[[[]]]", limit: 3, exceeds: false),
        ScanCase(text: "[[[]]]", limit: 2, exceeds: true),
        ScanCase(text: #"{"a":{"b":[]}}"#, limit: 3, exceeds: false),
        ScanCase(text: #"{"a":{"b":[{}]}}"#, limit: 3, exceeds: true),
        // Brackets inside strings do not count.
        ScanCase(text: #"["[[[[[[", "{{{{{"]"#, limit: 1, exceeds: false),
        // An escaped quote does not end the string, so the brackets after it are still inside.
        ScanCase(text: #"["\"[[[[", 1]"#, limit: 1, exceeds: false),
        // An escaped backslash does: the quote after it closes the string and the brackets count.
        ScanCase(text: #"["\\", [[]]]"#, limit: 2, exceeds: true),
        ScanCase(text: #"["\\\"[[[["]"#, limit: 1, exceeds: false),
        // Siblings do not add up.
        ScanCase(text: "[[],[],[],[]]", limit: 2, exceeds: false),
        ScanCase(text: "", limit: 0, exceeds: false),
        ScanCase(text: "[", limit: 0, exceeds: true),
    ]

    /// The parser's own depth limit: strings and escapes as JSON has them, siblings not added up.
    @Test(arguments: scans)
    func nestingLimit(_ scan: ScanCase) {
        var exceeded = false
        do {
            _ = try JSONValue.parse(Array(scan.text.utf8), maxDepth: scan.limit)
        } catch {
            exceeded = error.isNestingLimit
        }
        #expect(exceeded == scan.exceeds)
    }

    @Test func bracketsInsideStringsOfADeepLookingRequestAreAccepted() {
        let brackets = String(repeating: "[{", count: 100)
        let text = #"{"jsonrpc":"2.0","dwapiversion":"1.0","id":"s","method":"printer.gcode","params":{"line":"\"\#(brackets)\\"}}"#
        #expect(jsonrpcDecode(text) == .single(.success(JSONRPCRequest(id: "s", method: "printer.gcode", params: ["line": .string("\"" + brackets + "\\")]))))
    }

    @Test func theParserHasItsOwnDepthGuard() {
        #expect(throws: JSONParseError(offset: 2, reason: "nested too deeply (limit 2)", isNestingLimit: true)) {
            try JSONValue.parse(Array("[[[]]]".utf8), maxDepth: 2)
        }
        #expect((try? JSONValue.parse(Array("[[]]".utf8), maxDepth: 2)) == [[]])
    }
}
