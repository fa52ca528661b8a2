import Endpoint
import Testing
@testable import ThreeDPProtocol

@Suite("3DP-1 typed params")
struct JSONRPCParamsTests {
    static let request = JSONRPCRequest(id: "p", method: "m", params: [
        "serviceId": "printer-1", "empty": "", "count": 3, "whole": 5.0, "half": 2.5, "huge": .number(1e30),
        "flag": true, "nothing": nil, "options": ["a": 1], "topics": ["printer.status", "job.progress"],
        "mixed": ["printer.status", 7],
    ])

    @Test func readsWellTypedParams() throws {
        let request = Self.request
        #expect(try request.string("serviceId") == "printer-1")
        #expect(try request.nonEmptyString("serviceId") == "printer-1")
        #expect(try request.string("empty") == "")
        #expect(try request.optionalString("absent") == nil)
        #expect(try request.optionalString("nothing") == nil)
        #expect(try request.int("count") == 3)
        #expect(try request.int("whole") == 5)
        #expect(try request.int("count", in: 0...10) == 3)
        #expect(try request.optionalInt("absent", in: 0...10) == nil)
        #expect(try request.double("half") == 2.5)
        #expect(try request.double("count") == 3)
        #expect(try request.optionalDouble("nothing") == nil)
        #expect(try request.bool("flag"))
        #expect(try request.optionalBool("absent") == nil)
        #expect(try request.object("options") == ["a": 1])
        #expect(try request.optionalObject("absent") == nil)
        #expect(try request.array("topics") == ["printer.status", "job.progress"])
        #expect(try request.optionalArray("absent") == nil)
        #expect(try request.strings("topics") == ["printer.status", "job.progress"])
        #expect(try request.optionalStrings("absent") == nil)
    }

    struct Misuse: Sendable, CustomTestStringConvertible {
        var read: @Sendable (JSONRPCRequest) throws -> Void
        var message: String
        var testDescription: String { message }
    }

    static let misuses: [Misuse] = [
        Misuse(read: { _ = try $0.string("absent") }, message: #"missing parameter "absent" (a string)"#),
        Misuse(read: { _ = try $0.string("nothing") }, message: #"missing parameter "nothing" (a string)"#),
        Misuse(read: { _ = try $0.string("count") }, message: #"parameter "count" must be a string, not a number"#),
        Misuse(read: { _ = try $0.optionalString("flag") }, message: #"parameter "flag" must be a string, not a boolean"#),
        Misuse(read: { _ = try $0.nonEmptyString("empty") }, message: #"parameter "empty" must not be empty"#),
        Misuse(read: { _ = try $0.int("absent") }, message: #"missing parameter "absent" (an integer)"#),
        Misuse(read: { _ = try $0.int("half") }, message: #"parameter "half" must be an integer, not a number with a fractional part"#),
        Misuse(read: { _ = try $0.int("huge") }, message: #"parameter "huge" must be an integer, not a number out of range"#),
        Misuse(read: { _ = try $0.int("serviceId") }, message: #"parameter "serviceId" must be an integer, not a string"#),
        Misuse(read: { _ = try $0.int("count", in: 4...60) }, message: #"parameter "count" must be in 4...60, not 3"#),
        Misuse(read: { _ = try $0.optionalInt("count", in: 0...2) }, message: #"parameter "count" must be in 0...2, not 3"#),
        Misuse(read: { _ = try $0.double("serviceId") }, message: #"parameter "serviceId" must be a number, not a string"#),
        Misuse(read: { _ = try $0.double("absent") }, message: #"missing parameter "absent" (a number)"#),
        Misuse(read: { _ = try $0.bool("count") }, message: #"parameter "count" must be a boolean, not a number"#),
        Misuse(read: { _ = try $0.bool("absent") }, message: #"missing parameter "absent" (a boolean)"#),
        Misuse(read: { _ = try $0.object("topics") }, message: #"parameter "topics" must be an object, not an array"#),
        Misuse(read: { _ = try $0.object("absent") }, message: #"missing parameter "absent" (an object)"#),
        Misuse(read: { _ = try $0.array("options") }, message: #"parameter "options" must be an array, not an object"#),
        Misuse(read: { _ = try $0.array("absent") }, message: #"missing parameter "absent" (an array)"#),
        Misuse(read: { _ = try $0.strings("mixed") }, message: #"parameter "mixed"[1] must be a string, not a number"#),
        Misuse(read: { _ = try $0.strings("serviceId") }, message: #"parameter "serviceId" must be an array, not a string"#),
        Misuse(read: { _ = try $0.strings("absent") }, message: #"missing parameter "absent" (an array of strings)"#),
    ]

    @Test(arguments: misuses)
    func misuseIsInvalidParams(_ misuse: Misuse) {
        #expect(throws: JSONRPCError(code: -32602, message: misuse.message)) { try misuse.read(Self.request) }
    }
}
