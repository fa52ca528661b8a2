/// Small constructors that keep the 3DP-1 schema document readable in Swift.
enum SchemaBuild {
    static let string: JSONValue = ["type": "string"]
    static let boolean: JSONValue = ["type": "boolean"]
    static let number: JSONValue = ["type": "number"]
    static let integer: JSONValue = ["type": "integer"]
    static let null: JSONValue = ["type": "null"]

    /// A shared shape from `$defs`.
    static func ref(_ name: String) -> JSONValue {
        ["$ref": .string("#/$defs/\(name)")]
    }

    /// The shape, or null.
    static func nullable(_ schema: JSONValue) -> JSONValue {
        ["oneOf": [schema, null]]
    }

    static func string(minLength: Int64? = nil, maxLength: Int64? = nil, pattern: String? = nil) -> JSONValue {
        var schema: [String: JSONValue] = ["type": "string"]
        schema["minLength"] = minLength.map(JSONValue.integer)
        schema["maxLength"] = maxLength.map(JSONValue.integer)
        schema["pattern"] = pattern.map(JSONValue.string)
        return .object(schema)
    }

    static func integer(minimum: Int64? = nil, maximum: Int64? = nil, default value: Int64? = nil) -> JSONValue {
        var schema: [String: JSONValue] = ["type": "integer"]
        schema["minimum"] = minimum.map(JSONValue.integer)
        schema["maximum"] = maximum.map(JSONValue.integer)
        schema["default"] = value.map(JSONValue.integer)
        return .object(schema)
    }

    static func number(minimum: Double, maximum: Double) -> JSONValue {
        ["type": "number", "minimum": .number(minimum), "maximum": .number(maximum)]
    }

    static func oneOf(_ names: [String], default value: String? = nil) -> JSONValue {
        var schema: [String: JSONValue] = ["type": "string", "enum": .array(names.map(JSONValue.string))]
        schema["default"] = value.map(JSONValue.string)
        return .object(schema)
    }

    static func constant(_ value: String) -> JSONValue {
        ["type": "string", "const": .string(value)]
    }

    static func array(_ items: JSONValue, minItems: Int64? = nil, maxItems: Int64? = nil, unique: Bool = false) -> JSONValue {
        var schema: [String: JSONValue] = ["type": "array", "items": items]
        schema["minItems"] = minItems.map(JSONValue.integer)
        schema["maxItems"] = maxItems.map(JSONValue.integer)
        if unique { schema["uniqueItems"] = true }
        return .object(schema)
    }

    /// Method params: closed, so an unknown member is refused (-32602) rather than ignored.
    static func params(_ properties: [String: JSONValue] = [:], optional: Set<String> = []) -> JSONValue {
        object(properties, optional: optional, closed: true)
    }

    /// A result (or an object inside one): every member listed is required, and members may be added later.
    static func result(_ properties: [String: JSONValue], optional: Set<String> = []) -> JSONValue {
        object(properties, optional: optional, closed: false)
    }

    static func object(_ properties: [String: JSONValue], optional: Set<String>, closed: Bool) -> JSONValue {
        precondition(optional.isSubset(of: properties.keys), "optional members must be declared")
        var schema: [String: JSONValue] = [
            "type": "object",
            "properties": .object(properties),
            "required": .array(properties.keys.filter { !optional.contains($0) }.sorted().map(JSONValue.string)),
        ]
        if closed { schema["additionalProperties"] = false }
        return .object(schema)
    }

    /// A message's members: the two version members every 3DP-1 message carries, and `members`.
    static func envelope(_ members: [String: JSONValue]) -> JSONValue {
        .object(members.merging(["jsonrpc": constant("2.0"), "dwapiversion": constant("1.0")]) { own, _ in own })
    }

    /// One alternative of a `oneOf` keyed by a member: when `key` is `value`, `member` must fit `schema`.
    static func alternative(when key: String, is value: String, then member: String, fits schema: JSONValue) -> JSONValue {
        ["properties": .object([key: ["const": .string(value)], member: schema])]
    }
}
