import ThreeDPProtocol

/// Checking messages against the 3DP-1 schema: only tests do it, so the validator is not linked into the agent or
/// the Manager client.
extension ThreeDPSchema {
    public static let validator = JSONSchemaValidator(document: document)

    public static func validateParams(method: String, _ params: JSONValue) -> [SchemaFailure] {
        validator.check(params, against: reference(method: method, .params))
    }

    public static func validateResult(method: String, _ result: JSONValue) -> [SchemaFailure] {
        validator.check(result, against: reference(method: method, .result))
    }

    public static func validateCallback(topic: String, _ result: JSONValue) -> [SchemaFailure] {
        validator.check(result, against: "#/callbacks/\(JSONPointer.escape(topic))")
    }

    /// A whole message: "request", "response" or "callback".
    public static func validateMessage(_ kind: String, _ message: JSONValue) -> [SchemaFailure] {
        validator.check(message, against: "#/messages/\(JSONPointer.escape(kind))")
    }

    /// Shorthand for `validator.check(_:against:)`.
    public static func check(_ value: JSONValue, against reference: String) -> [SchemaFailure] {
        validator.check(value, against: reference)
    }

    /// The document's own faults (unsupported keywords, malformed keyword values, `$ref`s that resolve to nothing);
    /// empty when it is sound.
    public static func documentProblems() -> [SchemaFailure] {
        schemaReferences.flatMap(validator.schemaProblems(at:))
    }
}
