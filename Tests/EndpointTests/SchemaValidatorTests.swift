import Endpoint
import Testing
@testable import ThreeDPProtocol
@testable import ThreeDPSchemaValidation

@Suite("JSON Schema validator: keywords")
struct SchemaValidatorTests {
    struct KeywordCase: Sendable, CustomTestStringConvertible {
        var keyword: String
        var schema: JSONValue
        var passing: JSONValue
        var failing: JSONValue
        /// The failure's description, exactly.
        var failure: String
        var testDescription: String { "\(keyword): \(failing.compactDescription)" }
    }

    static let keywordCases: [KeywordCase] = [
        KeywordCase(keyword: "type", schema: ["type": "boolean"], passing: true, failing: "true",
                    failure: "(root): expected boolean, got string"),
        KeywordCase(keyword: "type (array)", schema: ["type": ["number", "null"]], passing: .null, failing: "1",
                    failure: "(root): expected number or null, got string"),
        KeywordCase(keyword: "type integer takes an integral number", schema: ["type": "integer"], passing: .number(2.0),
                    failing: .number(2.5), failure: "(root): expected integer, got number"),
        KeywordCase(keyword: "type number takes an integer", schema: ["type": "number"], passing: .integer(7),
                    failing: [], failure: "(root): expected number, got array"),
        KeywordCase(keyword: "properties", schema: ["properties": ["online": ["type": "boolean"]]],
                    passing: ["online": false, "other": 1], failing: ["online": "yes"],
                    failure: "/online: expected boolean, got string"),
        KeywordCase(keyword: "required", schema: ["required": ["serviceId"]], passing: ["serviceId": "p1"],
                    failing: ["service": "p1"], failure: #"(root): missing required member "serviceId""#),
        KeywordCase(keyword: "additionalProperties false",
                    schema: ["properties": ["a": true], "additionalProperties": false],
                    passing: ["a": 1], failing: ["a": 1, "b/c": 2], failure: "/b~1c: unexpected member (not allowed here)"),
        KeywordCase(keyword: "additionalProperties schema", schema: ["additionalProperties": ["type": "string"]],
                    passing: ["x": "1"], failing: ["x": 1], failure: "/x: expected string, got integer"),
        KeywordCase(keyword: "items", schema: ["items": ["type": "string"]], passing: ["a", "b"],
                    failing: ["a", 2], failure: "/1: expected string, got integer"),
        KeywordCase(keyword: "minItems", schema: ["minItems": 1], passing: [1], failing: [],
                    failure: "(root): expected at least 1 items, got 0"),
        KeywordCase(keyword: "maxItems", schema: ["maxItems": 2], passing: [1, 2], failing: [1, 2, 3],
                    failure: "(root): expected at most 2 items, got 3"),
        KeywordCase(keyword: "uniqueItems", schema: ["uniqueItems": true], passing: [1, "1", [1]],
                    failing: [1, 2, .number(1.0)], failure: "(root): items 0 and 2 are equal, items must be unique"),
        KeywordCase(keyword: "enum", schema: ["enum": ["idle", "printing"]], passing: "idle", failing: "busy",
                    failure: #"(root): expected one of "idle", "printing", got "busy""#),
        KeywordCase(keyword: "const", schema: ["const": "FFF"], passing: "FFF", failing: "SLA",
                    failure: #"(root): expected "FFF", got "SLA""#),
        KeywordCase(keyword: "minimum", schema: ["minimum": 0], passing: 0, failing: .number(-0.5),
                    failure: "(root): expected at least 0, got -0.5"),
        KeywordCase(keyword: "maximum", schema: ["maximum": 1], passing: .number(1.0), failing: .number(1.001),
                    failure: "(root): expected at most 1, got 1.001"),
        KeywordCase(keyword: "maximum, exact integers", schema: ["maximum": .integer(9_007_199_254_740_992)],
                    passing: .integer(9_007_199_254_740_992), failing: .integer(9_007_199_254_740_993),
                    failure: "(root): expected at most 9007199254740992, got 9007199254740993"),
        KeywordCase(keyword: "minLength", schema: ["minLength": 1], passing: "a", failing: "",
                    failure: "(root): expected at least 1 characters, got 0"),
        // Unicode scalars: the printer emoji is one, e + combining acute accent two.
        KeywordCase(keyword: "maxLength", schema: ["maxLength": 1], passing: "🖨", failing: "e\u{301}",
                    failure: "(root): expected at most 1 characters, got 2"),
        KeywordCase(keyword: "pattern", schema: ["pattern": "^[A-Z]+$"], passing: "PLA", failing: "PLA+",
                    failure: #"(root): "PLA+" does not match ^[A-Z]+$"#),
        KeywordCase(keyword: "pattern is unanchored unless anchored", schema: ["pattern": "ab"], passing: "xaby",
                    failing: "xy", failure: #"(root): "xy" does not match ab"#),
        KeywordCase(keyword: "pattern \\d is ASCII", schema: ["pattern": #"^\d{2}$"#], passing: "42",
                    failing: "٤٢", failure: #"(root): "٤٢" does not match ^\d{2}$"#),
        KeywordCase(keyword: "pattern $ is the end of input", schema: ["pattern": "^ok$"], passing: "ok",
                    failing: "ok\n", failure: #"(root): "ok\n" does not match ^ok$"#),
        KeywordCase(keyword: "pattern \\w is ASCII", schema: ["pattern": #"^\w+$"#], passing: "a_1",
                    failing: "é", failure: #"(root): "é" does not match ^\w+$"#),
        KeywordCase(keyword: "pattern [ in a class is literal", schema: ["pattern": #"^[[a]+$"#], passing: "[a[",
                    failing: "b", failure: #"(root): "b" does not match ^[[a]+$"#),
        KeywordCase(keyword: "anyOf", schema: ["anyOf": [["type": "string"], ["minimum": 5]]], passing: 6,
                    failing: 4, failure: "(root): expected at least 5, got 4"),
        KeywordCase(keyword: "anyOf (none applies)", schema: ["anyOf": [["type": "string"], ["type": "array"]]], passing: [],
                    failing: 4, failure: "(root): matches none of the 2 alternatives: [0] (root): expected string, got integer; [1] (root): expected array, got integer"),
        KeywordCase(keyword: "oneOf (none)", schema: ["oneOf": [["required": ["a"]], ["required": ["b"]]]],
                    passing: ["a": 1], failing: [:],
                    failure: #"(root): matches none of the 2 alternatives: [0] (root): missing required member "a"; [1] (root): missing required member "b""#),
        KeywordCase(keyword: "oneOf (two)", schema: ["oneOf": [["required": ["a"]], ["required": ["b"]]]],
                    passing: ["b": 1], failing: ["a": 1, "b": 2],
                    failure: "(root): matches 2 alternatives (0, 1), exactly one is allowed"),
        // Only the object alternative applies to an object, so its own failure is reported.
        KeywordCase(keyword: "oneOf (nullable)",
                    schema: ["oneOf": [["type": "object", "properties": ["actual": ["type": "number"]]], ["type": "null"]]],
                    passing: .null, failing: ["actual": "hot"], failure: "/actual: expected number, got string"),
        KeywordCase(keyword: "oneOf (discriminator)",
                    schema: ["oneOf": [
                        ["properties": ["kind": ["const": "a"], "n": ["type": "integer"]]],
                        ["properties": ["kind": ["const": "b"], "n": ["type": "string"]]],
                    ]],
                    passing: ["kind": "b", "n": "x"], failing: ["kind": "b", "n": 1], failure: "/n: expected string, got integer"),
        KeywordCase(keyword: "$ref", schema: ["$defs": ["Id": ["type": "string"]], "items": ["$ref": "#/$defs/Id"]],
                    passing: ["x"], failing: [1], failure: "/0: expected string, got integer"),
        KeywordCase(keyword: "$ref with sibling keywords", schema: ["$defs": ["N": ["type": "integer"]], "$ref": "#/$defs/N", "minimum": 1],
                    passing: 1, failing: 0, failure: "(root): expected at least 1, got 0"),
        KeywordCase(keyword: "false schema", schema: ["items": false], passing: [], failing: [1],
                    failure: "/0: no value is allowed here"),
    ]

    @Test(arguments: keywordCases)
    func keyword(_ example: KeywordCase) {
        let validator = JSONSchemaValidator(document: example.schema)
        #expect(validator.validate(example.passing) == [])
        let failures = validator.validate(example.failing)
        #expect(failures.map(\.description) == [example.failure])
        #expect(failures.allSatisfy { $0.kind == .instance })
        #expect(validator.schemaProblems(at: "#") == [])
    }

    @Test func reportsEveryFailureWithItsPath() {
        let schema: JSONValue = [
            "type": "object",
            "required": ["services"],
            "properties": ["services": ["type": "array", "items": [
                "type": "object", "required": ["serviceId", "online"],
                "properties": ["serviceId": ["type": "string"], "online": ["type": "boolean"]],
            ]]],
        ]
        let instance: JSONValue = ["services": [["serviceId": "a", "online": true], ["online": "true"]]]
        let failures = JSONSchemaValidator(document: schema).validate(instance)
        #expect(failures.map(\.description) == [
            "/services/1/online: expected boolean, got string",
            #"/services/1: missing required member "serviceId""#,
        ])
        #expect(failures.map(\.schemaPath) == [
            "#/properties/services/items/properties/online/type",
            "#/properties/services/items/required",
        ])
    }

    struct SchemaFault: Sendable, CustomTestStringConvertible {
        var schema: JSONValue
        var schemaPath: String
        var testDescription: String { schema.compactDescription }
    }

    /// A schema fault is reported both when validating (whatever the instance) and by the lint.
    static let schemaFaults: [SchemaFault] = [
        SchemaFault(schema: ["format": "date-time"], schemaPath: "#/format"),
        SchemaFault(schema: ["properties": ["a": ["exclusiveMinimum": 0]]], schemaPath: "#/properties/a/exclusiveMinimum"),
        SchemaFault(schema: ["type": "int"], schemaPath: "#/type"),
        SchemaFault(schema: ["minimum": "0"], schemaPath: "#/minimum"),
        SchemaFault(schema: ["maxLength": -1], schemaPath: "#/maxLength"),
        SchemaFault(schema: ["required": "a"], schemaPath: "#/required"),
        SchemaFault(schema: ["items": [["type": "string"]]], schemaPath: "#/items"),
        SchemaFault(schema: ["pattern": "([a-z]"], schemaPath: "#/pattern"),
        SchemaFault(schema: ["pattern": #"[\D]"#], schemaPath: "#/pattern"),
        SchemaFault(schema: ["enum": []], schemaPath: "#/enum"),
        SchemaFault(schema: ["oneOf": []], schemaPath: "#/oneOf"),
        SchemaFault(schema: ["$ref": "#/$defs/Missing"], schemaPath: "#/$ref"),
        SchemaFault(schema: ["$ref": "other.json#/$defs/A"], schemaPath: "#/$ref"),
        SchemaFault(schema: ["$defs": ["A": ["$ref": "#/$defs/A"]], "$ref": "#/$defs/A"], schemaPath: "#/$defs/A/$ref"),
    ]

    @Test(arguments: schemaFaults)
    func schemaFaultIsAnError(_ fault: SchemaFault) {
        let validator = JSONSchemaValidator(document: fault.schema)
        // An object, so `properties` reaches its sub-schemas.
        let failures = validator.validate(["a": 1])
        #expect(failures.contains { $0.kind == .schema && $0.schemaPath == fault.schemaPath }, "\(failures)")
        // A self-referencing $ref is no fault to the lint (it is no wrong keyword), only to a run.
        if fault.schemaPath != "#/$defs/A/$ref" {
            #expect(validator.schemaProblems(at: "#").map(\.schemaPath) == [fault.schemaPath])
        }
    }

    @Test func lintLooksIntoBranchesAnInstanceNeverTakes() {
        let schema: JSONValue = ["oneOf": [["type": "null"], ["type": "object", "properties": ["a": ["multipleOf": 2]]]]]
        let validator = JSONSchemaValidator(document: schema)
        #expect(validator.validate(.null) == [])
        #expect(validator.schemaProblems(at: "#").map(\.description) == [
            #"schema error at #/oneOf/1/properties/a/multipleOf: unsupported keyword "multipleOf""#,
        ])
    }

    @Test func annotationsAreIgnored() {
        let schema: JSONValue = [
            "$schema": "https://json-schema.org/draft/2020-12/schema", "$id": "urn:x", "title": "t",
            "description": "d", "default": 1, "examples": [1], "$comment": "c", "type": "integer",
        ]
        let validator = JSONSchemaValidator(document: schema)
        #expect(validator.validate(1) == [])
        #expect(validator.schemaProblems(at: "#") == [])
    }

    @Test func checkPicksASchemaOutOfTheDocument() {
        let document: JSONValue = ["methods": ["printer.status": ["result": ["required": ["state"]]]], "a/b": ["type": "null"]]
        let validator = JSONSchemaValidator(document: document)
        #expect(validator.check(["state": "idle"], against: "#/methods/printer.status/result") == [])
        #expect(validator.check([:], against: "#/methods/printer.status/result").map(\.schemaPath) == [
            "#/methods/printer.status/result/required",
        ])
        #expect(validator.check(.null, against: "#/a~1b") == [])
        #expect(validator.check(.null, against: "#/a%7E1b") == [])
        let missing = validator.check(.null, against: "#/methods/printer.nothing/result")
        #expect(missing.map(\.kind) == [.schema])
    }

    struct PointerCase: Sendable {
        var pointer: String
        var tokens: [String]?
    }

    @Test(arguments: [
        PointerCase(pointer: "", tokens: []),
        PointerCase(pointer: "/", tokens: [""]),
        PointerCase(pointer: "/a~1b/~0c/0", tokens: ["a/b", "~c", "0"]),
        PointerCase(pointer: "/~01", tokens: ["~1"]),
        PointerCase(pointer: "a", tokens: nil),
        PointerCase(pointer: "/~2", tokens: nil),
    ])
    func pointerTokens(_ example: PointerCase) {
        #expect(JSONPointer.tokens(of: example.pointer) == example.tokens)
        if let tokens = example.tokens {
            #expect(tokens.reduce("") { JSONPointer.appending($1, to: $0) } == example.pointer)
        }
    }

    @Test func pointerResolvesArrayIndicesStrictly() {
        let document: JSONValue = ["a": [10, 20]]
        #expect(JSONPointer.resolve("/a/1", in: document) == 20)
        #expect(JSONPointer.resolve("/a/01", in: document) == nil)
        #expect(JSONPointer.resolve("/a/2", in: document) == nil)
        #expect(JSONPointer.resolve("/a/-", in: document) == nil)
    }
}

extension JSONValue {
    var compactDescription: String {
        (try? encoded()).map { String(decoding: $0, as: UTF8.self) } ?? "\(self)"
    }
}
