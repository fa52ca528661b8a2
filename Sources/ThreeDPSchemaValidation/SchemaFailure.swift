import ThreeDPProtocol

/// One reason a value does not fit a schema, or a fault of the schema itself.
public struct SchemaFailure: Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The instance breaks the schema.
        case instance
        /// The schema cannot be applied as written: an unsupported keyword, a malformed keyword value, a `$ref`
        /// that resolves to nothing. Reported rather than ignored, so a schema never relies on a check that is
        /// silently skipped.
        case schema
    }

    public var kind: Kind
    /// JSON Pointer (RFC 6901) to the failing place in the instance; "" is the instance itself.
    public var instancePath: String
    /// URI fragment of the keyword that failed, e.g. `#/$defs/Job/properties/order/minimum`.
    public var schemaPath: String
    /// The keyword that failed ("type", "required", "$ref", …).
    public var keyword: String
    public var reason: String

    public init(kind: Kind = .instance, instancePath: String, schemaPath: String, keyword: String, reason: String) {
        self.kind = kind
        self.instancePath = instancePath
        self.schemaPath = schemaPath
        self.keyword = keyword
        self.reason = reason
    }

    /// "/services/0/online: expected boolean, got string"; "(root): …" for the instance itself.
    public var description: String {
        switch kind {
        case .instance: "\(instancePath.isEmpty ? "(root)" : instancePath): \(reason)"
        case .schema: "schema error at \(schemaPath): \(reason)"
        }
    }
}
