import Endpoint
import Testing
@testable import ThreeDPProtocol

@Suite("3DP-1 decoder under random input")
struct JSONRPCFuzzTests {
    static let seeds: [UInt64] = [1, 0x3D9, 0xDEAD_BEEF, 20_261_121]

    /// Bytes weighted toward JSON's own punctuation, so the parser gets deep into its states.
    static func randomMessage(using random: inout JSONRPCFuzzRandom) -> [UInt8] {
        let alphabet = Array(#"{}[]",:\/"0123456789-+.eEtrufalsn u"#.utf8) + [0x00, 0x1F, 0x7F, 0xC3, 0xA9, 0xED, 0xFF, 0x0A]
        let count = Int.random(in: 0...200, using: &random)
        return (0..<count).map { _ in
            Bool.random(using: &random) ? alphabet.randomElement(using: &random)! : UInt8.random(in: 0...255, using: &random)
        }
    }

    static let validRequest = Array(#"{"jsonrpc":"2.0","dwapiversion":"1.0","id":"f\u00e9","method":"printer.gcode","params":{"lines":["M105","G1 X1.5"],"n":-12,"x":1e3,"o":{"a":[true,false,null]}}}"#.utf8)

    /// Every outcome must be answerable: encoding its responses must not fail.
    static func checkAnswerable(_ incoming: JSONRPCIncoming) throws {
        switch incoming {
        case let .invalid(refusal):
            _ = try refusal.response.encoded()
        case let .single(result):
            if case let .failure(refusal) = result { _ = try refusal.response.encoded() }
        case let .batch(results):
            #expect(!results.isEmpty)
            _ = try JSONRPCResponse.encodeBatch(results.compactMap { result in
                if case let .failure(refusal) = result { return refusal.response }
                return nil
            })
        }
    }

    @Test(arguments: seeds)
    func randomBytesNeverCrash(seed: UInt64) throws {
        var random = JSONRPCFuzzRandom(seed: seed)
        for _ in 0..<3_000 {
            let message = Self.randomMessage(using: &random)
            try Self.checkAnswerable(JSONRPCIncoming.decode(message))
            if let value = try? JSONValue.parse(message) {
                // Whatever parses writes back to something that parses to the same value.
                #expect(try JSONValue.parse(value.encoded()) == value)
            }
        }
    }

    @Test(arguments: seeds)
    func mutatedRequestsNeverCrash(seed: UInt64) throws {
        var random = JSONRPCFuzzRandom(seed: seed)
        for _ in 0..<3_000 {
            var message = Self.validRequest
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                let position = Int.random(in: 0..<message.count, using: &random)
                switch Int.random(in: 0..<4, using: &random) {
                case 0: message[position] = UInt8.random(in: 0...255, using: &random)
                case 1: message.remove(at: position)
                case 2: message.insert(Array(#"{}[]"\"#.utf8).randomElement(using: &random)!, at: position)
                default: message = Array(message[..<position])
                }
                if message.isEmpty { break }
            }
            let incoming = JSONRPCIncoming.decode(message)
            try Self.checkAnswerable(incoming)
            if case let .single(.success(request)) = incoming {
                // A request that survived mutation re-encodes to one that decodes the same.
                #expect(JSONRPCIncoming.decode(try request.encoded()) == incoming)
            }
        }
    }

    @Test(arguments: seeds)
    func randomValuesRoundTrip(seed: UInt64) throws {
        var random = JSONRPCFuzzRandom(seed: seed)
        for _ in 0..<500 {
            let value = Self.randomValue(depth: 0, using: &random)
            let bytes = try value.encoded()
            #expect(try JSONValue.parse(bytes) == value)
            #expect((try? JSONValue.parse(bytes, maxDepth: 6)) == value)
        }
    }

    static func randomValue(depth: Int, using random: inout JSONRPCFuzzRandom) -> JSONValue {
        let kind = Int.random(in: 0..<(depth < 5 ? 8 : 6), using: &random)
        switch kind {
        case 0: return .null
        case 1: return .bool(Bool.random(using: &random))
        case 2: return .integer(Int64.random(in: .min ... .max, using: &random))
        case 3:
            let bits = UInt64.random(in: 0 ... .max, using: &random)
            let number = Double(bitPattern: bits)
            return .number(number.isFinite ? number : Double.random(in: -1e6...1e6, using: &random))
        case 4, 5:
            let scalars = (0..<Int.random(in: 0...12, using: &random)).compactMap { _ in
                Unicode.Scalar(UInt32.random(in: 0...(Bool.random(using: &random) ? 0x7F : 0x10FFFF), using: &random))
            }
            return .string(String(String.UnicodeScalarView(scalars)))
        case 6:
            return .array((0..<Int.random(in: 0...4, using: &random)).map { _ in randomValue(depth: depth + 1, using: &random) })
        default:
            var members: [String: JSONValue] = [:]
            for index in 0..<Int.random(in: 0...4, using: &random) {
                members["k\(index)\(Character(Unicode.Scalar(UInt8.random(in: 0x20...0x7E, using: &random))))"] =
                    randomValue(depth: depth + 1, using: &random)
            }
            return .object(members)
        }
    }
}
