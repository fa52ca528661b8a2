import ThreeDPProtocol

/// The part of JSON Schema draft 2020-12 the validator implements. Anything else in a schema is a schema error,
/// except the annotations, which never affect validation.
enum SchemaKeyword: String, CaseIterable, Sendable {
    case type, properties, required, additionalProperties, items, minItems, maxItems, uniqueItems
    case enumeration = "enum"
    case const, minimum, maximum, minLength, maxLength, pattern, oneOf, anyOf
    case ref = "$ref"
    case defs = "$defs"

    static let annotations: Set<String> = ["$schema", "$id", "title", "description", "default", "examples", "$comment"]

    static let typeNames: Set<String> = ["null", "boolean", "object", "array", "number", "string", "integer"]

    /// What is wrong with this keyword's value in a schema, or nil when it is well-formed. Sub-schemas are not
    /// looked into here; they are checked where they are used (or walked by the schema lint).
    func malformation(of value: JSONValue) -> String? {
        switch self {
        case .type:
            let names: [JSONValue]
            switch value {
            case .string: names = [value]
            case let .array(elements) where !elements.isEmpty: names = elements
            default: return "\"type\" must be a type name or a non-empty array of them"
            }
            for name in names {
                guard let text = name.stringValue, Self.typeNames.contains(text) else {
                    return "unknown type \(name.compactJSON)"
                }
            }
            return nil
        case .properties, .defs:
            guard let members = value.objectValue else { return "\"\(rawValue)\" must be an object of schemas" }
            return members.values.allSatisfy(\.isSchemaShaped) ? nil : "\"\(rawValue)\" members must be schemas"
        case .required:
            guard let names = value.arrayValue, names.allSatisfy({ $0.stringValue != nil }) else {
                return "\"required\" must be an array of strings"
            }
            return Set(names.compactMap(\.stringValue)).count == names.count ? nil : "\"required\" repeats a name"
        case .additionalProperties, .items:
            // 2020-12's `items` is one schema; the array form moved to `prefixItems`, which is not supported.
            return value.isSchemaShaped ? nil : "\"\(rawValue)\" must be a schema"
        case .minItems, .maxItems, .minLength, .maxLength:
            guard let count = value.int64Value, count >= 0 else { return "\"\(rawValue)\" must be a non-negative integer" }
            return nil
        case .uniqueItems:
            return value.boolValue == nil ? "\"uniqueItems\" must be a boolean" : nil
        case .enumeration:
            guard let values = value.arrayValue, !values.isEmpty else { return "\"enum\" must be a non-empty array" }
            return nil
        case .const:
            return nil
        case .minimum, .maximum:
            return value.doubleValue == nil ? "\"\(rawValue)\" must be a number" : nil
        case .pattern:
            guard let text = value.stringValue else { return "\"pattern\" must be a string" }
            do {
                _ = try ECMAPattern(text)
                return nil
            } catch {
                return "\"pattern\" \(error.reason)"
            }
        case .oneOf, .anyOf:
            guard let branches = value.arrayValue, !branches.isEmpty, branches.allSatisfy(\.isSchemaShaped) else {
                return "\"\(rawValue)\" must be a non-empty array of schemas"
            }
            return nil
        case .ref:
            guard let reference = value.stringValue else { return "\"$ref\" must be a string" }
            return JSONPointer.fromFragment(reference) == nil ? "only same-document references (\"#/…\") are supported" : nil
        }
    }
}

extension JSONValue {
    /// A schema is an object or a boolean (true accepts everything, false nothing).
    var isSchemaShaped: Bool {
        switch self {
        case .object, .bool: true
        default: false
        }
    }

    /// Compact JSON for a failure message (values in schemas and instances always encode, but NaN could not).
    var compactJSON: String {
        (try? encoded()).map { String(decoding: $0, as: UTF8.self) } ?? "\(self)"
    }

    /// The JSON Schema type name, telling integers from other numbers.
    var schemaTypeName: String {
        switch self {
        case .integer: "integer"
        default: typeName
        }
    }

    /// Whether the instance is of the JSON Schema type `name`; "integer" includes numbers with an integral value.
    func isOfSchemaType(_ name: String) -> Bool {
        switch (name, self) {
        case ("null", .null), ("boolean", .bool), ("string", .string), ("array", .array), ("object", .object): true
        case ("number", .integer), ("number", .number), ("integer", .integer): true
        case let ("integer", .number(value)): value.isFinite && value.rounded(.towardZero) == value
        default: false
        }
    }
}
