import ThreeDPProtocol

/// Checks JSON values against a JSON Schema (the draft 2020-12 subset in `SchemaKeyword`), reporting every failure
/// with the JSON Pointer of the failing place, not just the first.
///
/// `document` is the whole schema document: `$ref`s resolve in it, and `check(_:against:)` picks a schema out of it
/// by URI fragment, so one document can hold many schemas (as `ThreeDPSchema.document` does).
///
/// String lengths (`minLength`, `maxLength`) count Unicode scalars, i.e. code points, as JSON Schema specifies;
/// not Swift `Character`s (an "é" written as e + combining accent is two) and not UTF-16 units ("🖨" is one).
public struct JSONSchemaValidator: Sendable {
    public let document: JSONValue

    /// `$ref` chains longer than this are taken for a cycle that consumes no instance (a schema error).
    static let maxReferenceDepth = 64

    public init(document: JSONValue) {
        self.document = document
    }

    /// Validates against the document itself as the schema.
    public func validate(_ instance: JSONValue) -> [SchemaFailure] {
        check(instance, against: "#")
    }

    /// Validates against the schema at a same-document reference such as "#/methods/printer.status/result".
    public func check(_ instance: JSONValue, against reference: String) -> [SchemaFailure] {
        guard let pointer = JSONPointer.fromFragment(reference), let schema = JSONPointer.resolve(pointer, in: document) else {
            return [SchemaFailure(kind: .schema, instancePath: "", schemaPath: reference, keyword: "$ref",
                                  reason: "\(reference) does not resolve in the schema document")]
        }
        let evaluation = SchemaEvaluation(document: document)
        return evaluation.evaluate(instance, schema, instancePath: "", schemaPath: "#" + pointer, depth: 0)
    }

    /// Validates against a schema given on its own, whose `$ref`s resolve in `document`.
    public func validate(_ instance: JSONValue, against schema: JSONValue) -> [SchemaFailure] {
        SchemaEvaluation(document: document).evaluate(instance, schema, instancePath: "", schemaPath: "#", depth: 0)
    }
}

/// One validation run; it caches compiled patterns, which are not `Sendable` and so not kept in the validator.
final class SchemaEvaluation {
    let document: JSONValue
    private var patterns: [String: ECMAPattern] = [:]

    init(document: JSONValue) {
        self.document = document
    }

    func evaluate(_ instance: JSONValue, _ schema: JSONValue, instancePath: String, schemaPath: String, depth: Int) -> [SchemaFailure] {
        switch schema {
        case .bool(true):
            return []
        case .bool(false):
            return [SchemaFailure(instancePath: instancePath, schemaPath: schemaPath, keyword: "false",
                                  reason: "no value is allowed here")]
        case let .object(keywords):
            var failures: [SchemaFailure] = []
            for (name, value) in keywords.sorted(by: { $0.key < $1.key }) {
                let keywordPath = JSONPointer.appending(name, to: schemaPath)
                func schemaError(_ reason: String) -> SchemaFailure {
                    SchemaFailure(kind: .schema, instancePath: instancePath, schemaPath: keywordPath, keyword: name, reason: reason)
                }
                guard let keyword = SchemaKeyword(rawValue: name) else {
                    if !SchemaKeyword.annotations.contains(name) {
                        failures.append(schemaError("unsupported keyword \"\(name)\""))
                    }
                    continue
                }
                if let malformation = keyword.malformation(of: value) {
                    failures.append(schemaError(malformation))
                    continue
                }
                let context = KeywordContext(
                    instance: instance, value: value, schema: keywords, instancePath: instancePath,
                    keywordPath: keywordPath, schemaPath: schemaPath, depth: depth)
                failures += apply(keyword, context)
            }
            return failures
        default:
            return [SchemaFailure(kind: .schema, instancePath: instancePath, schemaPath: schemaPath, keyword: "",
                                  reason: "a schema must be an object or a boolean, not \(schema.typeName)")]
        }
    }

    struct KeywordContext {
        var instance: JSONValue
        /// The keyword's value in the schema.
        var value: JSONValue
        /// The schema object the keyword belongs to (for `additionalProperties`, which looks at `properties`).
        var schema: [String: JSONValue]
        var instancePath: String
        var keywordPath: String
        var schemaPath: String
        var depth: Int

        func failure(_ keyword: SchemaKeyword, _ reason: String, at path: String? = nil) -> SchemaFailure {
            SchemaFailure(instancePath: path ?? instancePath, schemaPath: keywordPath, keyword: keyword.rawValue, reason: reason)
        }
    }

    private func apply(_ keyword: SchemaKeyword, _ context: KeywordContext) -> [SchemaFailure] {
        let instance = context.instance
        let value = context.value
        switch keyword {
        case .type:
            let names = value.arrayValue?.compactMap(\.stringValue) ?? [value.stringValue!]
            if names.contains(where: instance.isOfSchemaType) { return [] }
            return [context.failure(keyword, "expected \(names.joined(separator: " or ")), got \(instance.schemaTypeName)")]
        case .properties:
            guard case let .object(members) = instance else { return [] }
            var failures: [SchemaFailure] = []
            for (name, subschema) in value.objectValue!.sorted(by: { $0.key < $1.key }) {
                guard let member = members[name] else { continue }
                failures += evaluate(member, subschema, instancePath: JSONPointer.appending(name, to: context.instancePath),
                                     schemaPath: JSONPointer.appending(name, to: context.keywordPath), depth: context.depth)
            }
            return failures
        case .required:
            guard case let .object(members) = instance else { return [] }
            return value.arrayValue!.compactMap(\.stringValue).filter { members[$0] == nil }.map {
                context.failure(keyword, "missing required member \"\($0)\"")
            }
        case .additionalProperties:
            guard case let .object(members) = instance else { return [] }
            let declared = context.schema["properties"]?.objectValue ?? [:]
            var failures: [SchemaFailure] = []
            for (name, member) in members.sorted(by: { $0.key < $1.key }) where declared[name] == nil {
                let memberPath = JSONPointer.appending(name, to: context.instancePath)
                if value == .bool(false) {
                    failures.append(context.failure(keyword, "unexpected member (not allowed here)", at: memberPath))
                } else {
                    failures += evaluate(member, value, instancePath: memberPath, schemaPath: context.keywordPath, depth: context.depth)
                }
            }
            return failures
        case .items:
            guard case let .array(elements) = instance else { return [] }
            return elements.enumerated().flatMap { index, element in
                evaluate(element, value, instancePath: JSONPointer.appending(String(index), to: context.instancePath),
                         schemaPath: context.keywordPath, depth: context.depth)
            }
        case .minItems, .maxItems:
            guard case let .array(elements) = instance else { return [] }
            let limit = value.int64Value!
            let count = Int64(elements.count)
            if keyword == .minItems, count < limit { return [context.failure(keyword, "expected at least \(limit) items, got \(count)")] }
            if keyword == .maxItems, count > limit { return [context.failure(keyword, "expected at most \(limit) items, got \(count)")] }
            return []
        case .uniqueItems:
            guard value == .bool(true), case let .array(elements) = instance else { return [] }
            for later in elements.indices {
                if let earlier = elements[..<later].firstIndex(of: elements[later]) {
                    return [context.failure(keyword, "items \(earlier) and \(later) are equal, items must be unique")]
                }
            }
            return []
        case .enumeration:
            let allowed = value.arrayValue!
            if allowed.contains(instance) { return [] }
            return [context.failure(keyword, "expected one of \(allowed.map(\.compactJSON).joined(separator: ", ")), got \(instance.compactJSON)")]
        case .const:
            return instance == value ? [] : [context.failure(keyword, "expected \(value.compactJSON), got \(instance.compactJSON)")]
        case .minimum, .maximum:
            guard instance.isOfSchemaType("number") else { return [] }
            let fits = keyword == .minimum ? !instance.isLess(than: value) : !value.isLess(than: instance)
            if fits { return [] }
            let bound = keyword == .minimum ? "at least" : "at most"
            return [context.failure(keyword, "expected \(bound) \(value.compactJSON), got \(instance.compactJSON)")]
        case .minLength, .maxLength:
            guard case let .string(text) = instance else { return [] }
            let limit = value.int64Value!
            let count = Int64(text.unicodeScalars.count)
            if keyword == .minLength, count < limit { return [context.failure(keyword, "expected at least \(limit) characters, got \(count)")] }
            if keyword == .maxLength, count > limit { return [context.failure(keyword, "expected at most \(limit) characters, got \(count)")] }
            return []
        case .pattern:
            guard case let .string(text) = instance else { return [] }
            let source = value.stringValue!
            guard let pattern = compiledPattern(source) else { return [] }  // malformation already reported it
            return pattern.matches(text) ? [] : [context.failure(keyword, "\(instance.compactJSON) does not match \(source)")]
        case .oneOf, .anyOf:
            return applyAlternatives(keyword, context)
        case .ref:
            return applyReference(context)
        case .defs:
            return []
        }
    }

    private func compiledPattern(_ source: String) -> ECMAPattern? {
        if let cached = patterns[source] { return cached }
        guard let compiled = try? ECMAPattern(source) else { return nil }
        patterns[source] = compiled
        return compiled
    }

    private func applyReference(_ context: KeywordContext) -> [SchemaFailure] {
        let reference = context.value.stringValue!
        func schemaError(_ reason: String) -> [SchemaFailure] {
            [SchemaFailure(kind: .schema, instancePath: context.instancePath, schemaPath: context.keywordPath, keyword: "$ref", reason: reason)]
        }
        guard let pointer = JSONPointer.fromFragment(reference), let target = JSONPointer.resolve(pointer, in: document) else {
            return schemaError("\(reference) does not resolve in the schema document")
        }
        guard context.depth < JSONSchemaValidator.maxReferenceDepth else {
            return schemaError("$ref chain deeper than \(JSONSchemaValidator.maxReferenceDepth) (a reference cycle?)")
        }
        return evaluate(context.instance, target, instancePath: context.instancePath, schemaPath: "#" + pointer, depth: context.depth + 1)
    }

    /// `oneOf` and `anyOf`. A failing alternative's own failures are what a reader needs, so when exactly one
    /// alternative could apply (the others fail on the instance's type, the way `Reading | null` tells them apart,
    /// or else on a `const` member, the way a callback's `callbackId` does) its failures are reported as they are;
    /// otherwise one failure lists each alternative's first complaint.
    private func applyAlternatives(_ keyword: SchemaKeyword, _ context: KeywordContext) -> [SchemaFailure] {
        let branches = context.value.arrayValue!
        let outcomes = branches.enumerated().map { index, branch in
            evaluate(context.instance, branch, instancePath: context.instancePath,
                     schemaPath: JSONPointer.appending(String(index), to: context.keywordPath), depth: context.depth)
        }
        // A broken alternative is a broken schema, whatever the others say.
        let schemaErrors = outcomes.flatMap { $0.filter { $0.kind == .schema } }
        if !schemaErrors.isEmpty { return schemaErrors }

        let passing = outcomes.indices.filter { outcomes[$0].isEmpty }
        if keyword == .anyOf, !passing.isEmpty { return [] }
        if keyword == .oneOf, passing.count == 1 { return [] }
        if passing.count > 1 {
            return [context.failure(keyword, "matches \(passing.count) alternatives (\(passing.map(String.init).joined(separator: ", "))), exactly one is allowed")]
        }
        // First by the value's type alone: a `const` member of the one object alternative of `Size | null` is a
        // plain failure, not a sign that the alternative is meant for something else.
        let byType = outcomes.indices.filter { !outcomes[$0].contains { $0.isTypeMismatch(at: context.instancePath) } }
        if byType.count == 1 { return outcomes[byType[0]] }
        let byDiscriminator = byType.filter { !outcomes[$0].contains { $0.isConstMismatch(at: context.instancePath) } }
        if byDiscriminator.count == 1 { return outcomes[byDiscriminator[0]] }
        let summary = outcomes.enumerated().map { index, failures in "[\(index)] \(failures.first!.description)" }
        return [context.failure(keyword, "matches none of the \(branches.count) alternatives: \(summary.joined(separator: "; "))")]
    }
}

extension SchemaFailure {
    /// The value itself has the wrong type: the alternative was meant for another kind of value.
    func isTypeMismatch(at path: String) -> Bool {
        keyword == "type" && instancePath == path
    }

    /// A `const` on the value or on one of its members failed: the alternative is keyed to a different
    /// discriminator (a callback's `callbackId`, a request's `method`).
    func isConstMismatch(at path: String) -> Bool {
        guard keyword == "const", instancePath.hasPrefix(path) else { return false }
        let rest = instancePath.dropFirst(path.count)
        return rest.isEmpty || (rest.hasPrefix("/") && !rest.dropFirst().contains("/"))
    }
}

extension JSONValue {
    /// Numeric order, exact between two integers; both values must be numbers.
    func isLess(than other: JSONValue) -> Bool {
        if case let .integer(lhs) = self, case let .integer(rhs) = other { return lhs < rhs }
        return doubleValue! < other.doubleValue!
    }
}
