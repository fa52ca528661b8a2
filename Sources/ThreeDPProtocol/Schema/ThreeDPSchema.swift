private typealias S = SchemaBuild

/// The 3DP-1 contract as one JSON Schema (draft 2020-12) document: every method's params and result, every
/// callback's result, and the message envelopes. The endpoint serves it at `GET /3dp/v1/schema`; tests check
/// messages against it with `ThreeDPSchemaValidation`, which the agent does not link.
///
/// Layout: `$defs` (shared shapes), `methods.<method>.params` / `.result`, `callbacks.<topic>` (a result),
/// `messages.request` / `.response` / `.callback`. Params are closed (an unknown member is refused); results are
/// open but list what they require, so they may grow.
public enum ThreeDPSchema {
    /// `.invalid` (RFC 2606) because the document has no public home: each agent serves its own copy.
    public static let identifier = "https://3dp-agent.invalid/3dp/v1/schema"

    public static let document: JSONValue = build()

    public static var methodNames: [String] { methods.keys.sorted() }

    public static var callbackTopics: [String] { CallbackTopic.allCases.map(\.rawValue) }

    /// The same-document reference of a method's params or result schema, e.g. "#/methods/printer.status/result".
    public static func reference(method: String, _ part: MessagePart) -> String {
        "#/methods/\(JSONPointer.escape(method))/\(part.rawValue)"
    }

    public enum MessagePart: String, Sendable {
        case params, result
    }

    /// Every schema in the document, by reference: the `$defs`, each method's params and result, each callback and
    /// each message. The document's top level is a container for them, not a schema itself.
    public static var schemaReferences: [String] {
        var references = definitions.keys.sorted().map { "#/$defs/\($0)" }
        for method in methodNames {
            references += [reference(method: method, .params), reference(method: method, .result)]
        }
        references += callbackTopics.map { "#/callbacks/\($0)" }
        references += ["request", "response", "callback"].map { "#/messages/\($0)" }
        return references
    }

    private static func build() -> JSONValue {
        [
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": .string(identifier),
            "title": "3DP-1: the Manager ↔ 3dp-agent contract (JSON-RPC 2.0 with dwapiversion 1.0)",
            "$defs": .object(definitions),
            "methods": .object(methods.mapValues { ["params": $0.params, "result": $0.result] }),
            "callbacks": .object(Dictionary(uniqueKeysWithValues: CallbackTopic.allCases.map {
                ($0.rawValue, S.ref(callbackDefinitions[$0]!))
            })),
            "messages": ["request": request, "response": response, "callback": S.ref("CallbackMessage")],
        ]
    }

    /// A request; its `method` picks the params schema. Members beyond these are ignored by the agent.
    private static var request: JSONValue {
        let byMethod: [JSONValue] = methodNames.map { method in
            S.alternative(when: "method", is: method, then: "params", fits: ["$ref": .string(reference(method: method, .params))])
        }
        return [
            "type": "object",
            "properties": S.envelope(["id": S.string, "method": S.oneOf(methodNames), "params": ["type": "object"]]),
            "required": ["jsonrpc", "dwapiversion", "id", "method", "params"],
            "oneOf": .array(byMethod),
        ]
    }

    /// A response: `result` or `error`, never both; the id is null only in an error to a request without one.
    private static var response: JSONValue {
        [
            "type": "object",
            "properties": S.envelope([
                "id": ["type": ["string", "null"]],
                "result": ["type": "object"],
                "error": S.ref("ErrorObject"),
            ]),
            "required": ["jsonrpc", "dwapiversion", "id"],
            "additionalProperties": false,
            "oneOf": [
                ["required": ["result"], "properties": ["id": S.string]],
                ["required": ["error"]],
            ],
        ]
    }
}
