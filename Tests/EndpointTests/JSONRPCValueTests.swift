import Endpoint
import Foundation
import Testing
@testable import ThreeDPProtocol

@Suite("JSON values: parse and write")
struct JSONRPCValueTests {
    struct RoundTrip: Sendable, CustomTestStringConvertible {
        var text: String
        var value: JSONValue
        /// How the writer spells it (nil: exactly `text`).
        var written: String?
        var testDescription: String { text }
    }

    static let roundTrips: [RoundTrip] = [
        RoundTrip(text: "null", value: .null),
        RoundTrip(text: "true", value: true),
        RoundTrip(text: "false", value: false),
        RoundTrip(text: "0", value: .integer(0)),
        RoundTrip(text: "-17", value: .integer(-17)),
        RoundTrip(text: "9223372036854775807", value: .integer(.max)),
        RoundTrip(text: "-9223372036854775808", value: .integer(.min)),
        // One past Int64: a Double (it rounds to 2^63, which is written as a float).
        RoundTrip(text: "9223372036854775808", value: .number(9_223_372_036_854_775_808), written: "9.223372036854776e+18"),
        RoundTrip(text: "1.5", value: .number(1.5)),
        RoundTrip(text: "0.1", value: .number(0.1)),
        RoundTrip(text: "-0", value: .number(-0.0)),
        RoundTrip(text: "2.0", value: .number(2), written: "2"),
        RoundTrip(text: "1E3", value: .number(1000), written: "1000"),
        RoundTrip(text: "1e-7", value: .number(1e-7), written: "1e-07"),
        RoundTrip(text: "1.7976931348623157e308", value: .number(.greatestFiniteMagnitude), written: "1.7976931348623157e+308"),
        RoundTrip(text: "5e-324", value: .number(.leastNonzeroMagnitude)),
        RoundTrip(text: #""""#, value: ""),
        RoundTrip(text: #""PLA 0.4mm Ø""#, value: "PLA 0.4mm Ø"),
        RoundTrip(text: #""\u00d8 \ud83d\udda8""#, value: "Ø 🖨", written: #""Ø 🖨""#),
        RoundTrip(text: #""tab\tnl\ncr\rq\"bs\\sl\/ bell\u0007 nul\u0000 b\b f\f""#,
                  value: "tab\tnl\ncr\rq\"bs\\sl/ bell\u{07} nul\u{00} b\u{08} f\u{0C}",
                  written: #""tab\tnl\ncr\rq\"bs\\sl/ bell\u0007 nul\u0000 b\b f\f""#),
        RoundTrip(text: #""\u2028\u2029""#, value: "\u{2028}\u{2029}", written: "\"\u{2028}\u{2029}\""),
        RoundTrip(text: "[]", value: []),
        RoundTrip(text: "{}", value: [:]),
        RoundTrip(text: #" [ 1 , "a" , [ null ] , { } ] "#, value: [1, "a", [nil], [:]], written: #"[1,"a",[null],{}]"#),
        // Objects are written in sorted key order whatever order they came in.
        RoundTrip(text: #"{"z":1,"a":{"y":[],"b":false},"m":"x"}"#, value: ["z": 1, "a": ["y": [], "b": false], "m": "x"],
                  written: #"{"a":{"b":false,"y":[]},"m":"x","z":1}"#),
    ]

    @Test(arguments: roundTrips)
    func parsesAndWritesBack(_ roundTrip: RoundTrip) throws {
        let parsed = try JSONValue.parse(Array(roundTrip.text.utf8))
        #expect(parsed == roundTrip.value)
        let written = try parsed.encoded()
        #expect(jsonText(written) == (roundTrip.written ?? roundTrip.text))
        #expect(try JSONValue.parse(written) == roundTrip.value)
    }

    @Test func integersStayExactAndNegativeZeroKeepsItsSign() throws {
        #expect(try JSONValue.parse(Array("9007199254740993".utf8)) == .integer(9_007_199_254_740_993))
        guard case let .number(zero) = try JSONValue.parse(Array("-0".utf8)) else {
            Issue.record("-0 is not a number")
            return
        }
        #expect(zero.sign == .minus)
        #expect(jsonText(try JSONValue.number(-0.0).encoded()) == "-0")
        #expect(try JSONValue.parse(Array("-0.0".utf8)).doubleValue?.sign == .minus)
    }

    struct Malformed: Sendable, CustomTestStringConvertible {
        var bytes: [UInt8]
        var reason: String
        var testDescription: String { reason }
        init(_ text: String, _ reason: String) {
            bytes = Array(text.utf8)
            self.reason = reason
        }
        init(bytes: [UInt8], _ reason: String) {
            self.bytes = bytes
            self.reason = reason
        }
    }

    static let malformed: [Malformed] = [
        Malformed("01", "leading zero"),
        Malformed("-", "expected a digit"),
        Malformed("+1", "unexpected character '+'"),
        Malformed("1.", "expected a digit after '.'"),
        Malformed(".5", "unexpected character '.'"),
        Malformed("1e", "expected a digit in exponent"),
        Malformed("1e400", "number out of range"),
        Malformed("NaN", "unexpected character 'N'"),
        Malformed("Infinity", "unexpected character 'I'"),
        Malformed("nul", "invalid literal"),
        Malformed("True", "unexpected character 'T'"),
        Malformed("[1,]", "unexpected character ']'"),
        Malformed("[1 2]", "expected ',' or ']'"),
        Malformed(#"{"a" 1}"#, "expected ':'"),
        Malformed(#"{"a":1,}"#, "expected a member name"),
        Malformed(#"{1:1}"#, "expected a member name"),
        Malformed(#""abc"#, "unterminated string"),
        Malformed(#""a\"#, "unterminated string"),
        Malformed("\"a\tb\"", "unescaped control character"),
        Malformed("\"a\nb\"", "unescaped control character"),
        Malformed(#""\x""#, "invalid escape \\x"),
        Malformed(#""\u12G4""#, "invalid hex digit"),
        Malformed(#""\u12""#, "truncated \\u escape"),
        Malformed(#""\ud83d""#, "high surrogate escape without a low surrogate"),
        Malformed(#""\ud83d\u0041""#, "high surrogate escape without a low surrogate"),
        Malformed(#""\ude00""#, "lone low surrogate"),
        Malformed(bytes: [0x22, 0xC3, 0x28, 0x22], "invalid UTF-8"),
        Malformed(bytes: [0x22, 0x5C, 0x6E, 0xFF, 0x22], "invalid UTF-8"),
        Malformed(bytes: [0x22, 0xED, 0xA0, 0x80, 0x22], "invalid UTF-8"), // an encoded surrogate
        Malformed(bytes: [0xEF, 0xBB, 0xBF, 0x7B, 0x7D], "unexpected byte 0xef"), // a BOM: RFC 8259 §8.1 says do not add one
        Malformed("{} {}", "unexpected data after the JSON value"),
        Malformed(#"{"a":1,"a":1}"#, #"duplicate member name "a""#),
    ]

    @Test(arguments: malformed)
    func refusesMalformedText(_ malformed: Malformed) {
        do {
            let value = try JSONValue.parse(malformed.bytes)
            Issue.record("parsed as \(value)")
        } catch {
            #expect(error.reason.contains(malformed.reason), "\(error.reason)")
            #expect(error.offset >= 0 && error.offset <= malformed.bytes.count)
        }
    }

    @Test(arguments: [Double.nan, .infinity, -.infinity])
    func nonFiniteNumbersAreNotWritten(_ number: Double) {
        #expect(throws: JSONEncodingError.self) { try JSONValue.array([1, .number(number)]).encoded() }
    }

    @Test func everyControlCharacterIsEscaped() throws {
        let controls = String(String.UnicodeScalarView((0..<0x20).map { Unicode.Scalar(UInt8($0)) }))
        let written = try JSONValue.string(controls).encoded()
        #expect(!written.dropFirst().dropLast().contains { $0 < 0x20 })
        #expect(jsonText(written).hasPrefix(#""\u0000\u0001"#))
        #expect(try JSONValue.parse(written) == .string(controls))
    }

    @Test func numbersCompareByValue() {
        #expect(JSONValue.integer(2) == .number(2.0))
        #expect(JSONValue.number(2.5) != .integer(2))
        #expect(JSONValue.integer(1) != .bool(true))
        #expect(JSONValue.integer(0) != .null)
        #expect(JSONValue.string("1") != .integer(1))
    }

    @Test func accessors() {
        let value: JSONValue = ["n": 3, "f": 2.5, "s": "x", "b": true, "a": [1, "two"], "o": ["k": nil]]
        #expect(value["n"]?.intValue == 3)
        #expect(value["n"]?.doubleValue == 3)
        #expect(value["f"]?.intValue == nil)
        #expect(value["f"]?.doubleValue == 2.5)
        #expect(value["s"]?.stringValue == "x")
        #expect(value["b"]?.boolValue == true)
        #expect(value["a"]?[1]?.stringValue == "two")
        #expect(value["a"]?[2] == nil)
        #expect(value["o"]?["k"]?.isNull == true)
        #expect(value["missing"] == nil)
        #expect(value["s"]?["k"] == nil)
        #expect(value["o"]?.objectValue?.count == 1)
        #expect(value["a"]?.arrayValue?.count == 2)
        #expect(JSONValue.number(1e30).int64Value == nil)
        #expect(value.typeName == "object")
    }

    /// Our parser and Foundation's agree on what a document means.
    @Test func agreesWithFoundationsDecoder() throws {
        let text = #"{"name":"Benchy \u00e9","sizes":[1,2.5,-3e2,9007199254740993],"nested":{"ok":true,"none":null},"s":"\ud83d\ude00\n"}"#
        let ours = try JSONValue.parse(Array(text.utf8))
        let foundations = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
        #expect(ours == foundations)
        let reencoded = try JSONEncoder().encode(ours)
        #expect(try JSONValue.parse(Array(reencoded)) == ours)
    }
}
