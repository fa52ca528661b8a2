import Endpoint
import Testing
@testable import ThreeDPProtocol
@testable import ThreeDPSchemaValidation

@Suite("3DP-1 schema document: shape")
struct SchemaDocumentTests {
    /// Every method of /work/notes/api.md.
    static let contractMethods = [
        "service.discover", "pairing.begin", "pairing.complete", "session.authenticate", "agent.time", "printer.info",
        "printer.attributes", "printer.status", "events.subscribe", "events.unsubscribe", "events.poll", "queue.list",
        "print.pause", "print.resume", "print.stop", "printer.gcode", "printer.emergencyStop",
        "print.start", "content.servers", "history.list", "queue.remove",
    ]

    let document = ThreeDPSchema.document

    @Test func topLevel() {
        #expect(document["$schema"] == "https://json-schema.org/draft/2020-12/schema")
        #expect(document["$id"]?.stringValue?.hasSuffix("/3dp/v1/schema") == true)
        #expect(document["title"]?.stringValue?.isEmpty == false)
        #expect(Set(document.objectValue!.keys) == ["$schema", "$id", "title", "$defs", "methods", "callbacks", "messages"])
        #expect(Set(document["messages"]!.objectValue!.keys) == ["request", "response", "callback"])
    }

    @Test func everyContractMethodHasParamsAndResult() {
        #expect(ThreeDPSchema.methodNames == Self.contractMethods.sorted())
        for method in Self.contractMethods {
            #expect(Set(document["methods"]?[method]?.objectValue.map { Array($0.keys) } ?? []) == ["params", "result"], "\(method)")
        }
    }

    @Test func everyTopicHasACallbackSchema() {
        #expect(Set(document["callbacks"]!.objectValue!.keys) == Set(CallbackTopic.allCases.map(\.rawValue)))
        #expect(document["$defs"]?["Topic"]?["enum"] == .array(CallbackTopic.allCases.map { .string($0.rawValue) }))
    }

    @Test(arguments: contractMethods)
    func paramsAreClosed(_ method: String) {
        let params = document["methods"]![method]!["params"]!
        #expect(params["type"] == "object")
        #expect(params["additionalProperties"] == false)
    }

    /// Results stay open (no additionalProperties) but list what they require.
    @Test(arguments: contractMethods)
    func resultsAreOpenWithRequiredMembers(_ method: String) {
        var result = document["methods"]![method]!["result"]!
        if let reference = result["$ref"]?.stringValue {
            result = JSONPointer.resolve(JSONPointer.fromFragment(reference)!, in: document)!
        }
        #expect(result["additionalProperties"] == nil)
        #expect(result["required"]?.arrayValue?.isEmpty == false)
    }

    @Test func documentHasNoFault() {
        #expect(ThreeDPSchema.documentProblems().map(\.description) == [])
    }

    /// Independent of the lint: every `$ref` anywhere in the document resolves, and every object under a
    /// schema position uses only supported or annotation keywords.
    @Test func everyReferenceResolves() {
        var references: [String] = []
        func collect(_ value: JSONValue) {
            switch value {
            case let .object(members):
                if case let .string(reference)? = members["$ref"] { references.append(reference) }
                members.values.forEach(collect)
            case let .array(elements):
                elements.forEach(collect)
            default:
                break
            }
        }
        collect(document)
        #expect(references.count > 50)
        for reference in references {
            #expect(reference.hasPrefix("#/"))
            #expect(JSONPointer.fromFragment(reference).flatMap { JSONPointer.resolve($0, in: document) } != nil, "\(reference)")
        }
    }

    @Test func schemaReferencesCoverTheWholeDocument() {
        let references = Set(ThreeDPSchema.schemaReferences)
        for (name, _) in document["$defs"]!.objectValue! { #expect(references.contains("#/$defs/\(name)")) }
        #expect(references.count == document["$defs"]!.objectValue!.count + 2 * Self.contractMethods.count + 7 + 3)
    }

    @Test func lintCatchesAPlantedFault() {
        let planted = document.setting("/$defs/Job/properties/order/exclusiveMinimum", to: 0)
        let problems = JSONSchemaValidator(document: planted).schemaProblems(at: "#/methods/queue.list/result")
        #expect(problems.map(\.schemaPath) == ["#/$defs/Job/properties/order/exclusiveMinimum"])
    }

    /// What GET /3dp/v1/schema serves: it encodes, and parses back to the same document.
    @Test func documentRoundTrips() throws {
        let bytes = try document.encoded()
        #expect(try JSONValue.parse(bytes) == document)
    }
}
