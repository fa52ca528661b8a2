import ThreeDPProtocol

extension JSONValue {
    /// Sub-schemas a keyword holds, with their pointer tokens relative to the keyword.
    fileprivate func subschemas(of keyword: SchemaKeyword) -> [(tokens: [String], schema: JSONValue)] {
        switch keyword {
        case .properties, .defs:
            return (objectValue ?? [:]).sorted { $0.key < $1.key }.map { ([$0.key], $0.value) }
        case .additionalProperties, .items:
            return [([], self)]
        case .oneOf, .anyOf:
            return (arrayValue ?? []).enumerated().map { ([String($0.offset)], $0.element) }
        default:
            return []
        }
    }
}

extension JSONSchemaValidator {
    /// Every fault of the schema at `reference` and of the schemas it reaches through `$ref` or nests, found
    /// without an instance: validation only meets the branches an instance takes, so a typo in an untaken
    /// `oneOf` alternative would otherwise wait for the first value that takes it.
    public func schemaProblems(at reference: String) -> [SchemaFailure] {
        guard let pointer = JSONPointer.fromFragment(reference), let schema = JSONPointer.resolve(pointer, in: document) else {
            return [SchemaFailure(kind: .schema, instancePath: "", schemaPath: reference, keyword: "$ref",
                                  reason: "\(reference) does not resolve in the schema document")]
        }
        var visited: Set<String> = []
        var problems: [SchemaFailure] = []
        lint(schema, pointer: pointer, visited: &visited, problems: &problems)
        return problems
    }

    private func lint(_ schema: JSONValue, pointer: String, visited: inout Set<String>, problems: inout [SchemaFailure]) {
        guard visited.insert(pointer).inserted else { return }
        func problem(_ path: String, _ keyword: String, _ reason: String) {
            problems.append(SchemaFailure(kind: .schema, instancePath: "", schemaPath: "#" + path, keyword: keyword, reason: reason))
        }
        if case .bool = schema { return }
        guard case let .object(keywords) = schema else {
            problem(pointer, "", "a schema must be an object or a boolean, not \(schema.typeName)")
            return
        }
        for (name, value) in keywords.sorted(by: { $0.key < $1.key }) {
            let keywordPointer = JSONPointer.appending(name, to: pointer)
            guard let keyword = SchemaKeyword(rawValue: name) else {
                if !SchemaKeyword.annotations.contains(name) { problem(keywordPointer, name, "unsupported keyword \"\(name)\"") }
                continue
            }
            if let malformation = keyword.malformation(of: value) {
                problem(keywordPointer, name, malformation)
                continue
            }
            if keyword == .ref {
                let reference = value.stringValue!
                guard let target = JSONPointer.fromFragment(reference), let resolved = JSONPointer.resolve(target, in: document) else {
                    problem(keywordPointer, name, "\(reference) does not resolve in the schema document")
                    continue
                }
                lint(resolved, pointer: target, visited: &visited, problems: &problems)
            }
            for (tokens, subschema) in value.subschemas(of: keyword) {
                let subpointer = tokens.reduce(keywordPointer) { JSONPointer.appending($1, to: $0) }
                lint(subschema, pointer: subpointer, visited: &visited, problems: &problems)
            }
        }
    }
}
