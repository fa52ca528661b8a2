// A valid 3DP-1 request and typed access to its params.

/// A request that passed every envelope check: version members right, a string id, a method, object params.
public struct JSONRPCRequest: Sendable, Equatable {
    public var id: String
    public var method: String
    public var params: [String: JSONValue]

    public init(id: String, method: String, params: [String: JSONValue] = [:]) {
        self.id = id
        self.method = method
        self.params = params
    }

    /// The request as a client sends it (for the reference Manager client and for tests).
    public func encoded() throws(JSONEncodingError) -> [UInt8] {
        var writer = JSONWriter()
        writer.writeRaw(#"{"jsonrpc":"2.0","dwapiversion":"1.0","id":"#)
        writer.writeString(id)
        writer.writeRaw(#","method":"#)
        writer.writeString(method)
        writer.writeRaw(#","params":"#)
        try writer.write(.object(params))
        writer.writeRaw("}")
        return writer.bytes
    }
}

// MARK: - Params
//
// Each accessor throws -32602 with a message naming the parameter and what was wrong with it, so a handler is a
// list of `try request.string("serviceId")` lines and a client learns exactly which parameter to fix.
// An `optional…` accessor treats a missing member and `null` alike as absent.

extension JSONRPCRequest {
    public func string(_ name: String) throws(JSONRPCError) -> String {
        try required(name, "a string", optionalString(name))
    }

    public func optionalString(_ name: String) throws(JSONRPCError) -> String? {
        try typed(name, "a string") { $0.stringValue }
    }

    /// A string that is not empty (ids, names, tokens).
    public func nonEmptyString(_ name: String) throws(JSONRPCError) -> String {
        let value = try string(name)
        guard !value.isEmpty else { throw .invalidParams("parameter \"\(name)\" must not be empty") }
        return value
    }

    public func int(_ name: String) throws(JSONRPCError) -> Int {
        try required(name, "an integer", optionalInt(name))
    }

    /// An integer within `range`; a number with a fractional part is refused, `5.0` is 5.
    public func int(_ name: String, in range: ClosedRange<Int>) throws(JSONRPCError) -> Int {
        let value = try int(name)
        try check(name, value, in: range)
        return value
    }

    public func optionalInt(_ name: String) throws(JSONRPCError) -> Int? {
        guard let value = params[name], !value.isNull else { return nil }
        if let integer = value.intValue { return integer }
        switch value {
        case let .number(number) where number.rounded() != number:
            throw .invalidParams("parameter \"\(name)\" must be an integer, not a number with a fractional part")
        case .integer, .number:
            throw .invalidParams("parameter \"\(name)\" must be an integer, not a number out of range")
        default:
            throw .invalidParams("parameter \"\(name)\" must be an integer, not \(Self.describe(value))")
        }
    }

    public func optionalInt(_ name: String, in range: ClosedRange<Int>) throws(JSONRPCError) -> Int? {
        guard let value = try optionalInt(name) else { return nil }
        try check(name, value, in: range)
        return value
    }

    public func double(_ name: String) throws(JSONRPCError) -> Double {
        try required(name, "a number", optionalDouble(name))
    }

    public func optionalDouble(_ name: String) throws(JSONRPCError) -> Double? {
        try typed(name, "a number") { $0.doubleValue }
    }

    public func bool(_ name: String) throws(JSONRPCError) -> Bool {
        try required(name, "a boolean", optionalBool(name))
    }

    public func optionalBool(_ name: String) throws(JSONRPCError) -> Bool? {
        try typed(name, "a boolean") { $0.boolValue }
    }

    public func object(_ name: String) throws(JSONRPCError) -> [String: JSONValue] {
        try required(name, "an object", optionalObject(name))
    }

    public func optionalObject(_ name: String) throws(JSONRPCError) -> [String: JSONValue]? {
        try typed(name, "an object") { $0.objectValue }
    }

    public func array(_ name: String) throws(JSONRPCError) -> [JSONValue] {
        try required(name, "an array", optionalArray(name))
    }

    public func optionalArray(_ name: String) throws(JSONRPCError) -> [JSONValue]? {
        try typed(name, "an array") { $0.arrayValue }
    }

    /// An array whose every element is a string (event topics, G-code lines).
    public func strings(_ name: String) throws(JSONRPCError) -> [String] {
        try required(name, "an array of strings", optionalStrings(name))
    }

    public func optionalStrings(_ name: String) throws(JSONRPCError) -> [String]? {
        guard let elements = try optionalArray(name) else { return nil }
        var strings: [String] = []
        strings.reserveCapacity(elements.count)
        for (position, element) in elements.enumerated() {
            guard let string = element.stringValue else {
                throw .invalidParams("parameter \"\(name)\"[\(position)] must be a string, not \(Self.describe(element))")
            }
            strings.append(string)
        }
        return strings
    }

    private func typed<T>(_ name: String, _ expected: String, _ extract: (JSONValue) -> T?) throws(JSONRPCError) -> T? {
        guard let value = params[name], !value.isNull else { return nil }
        guard let typed = extract(value) else {
            throw .invalidParams("parameter \"\(name)\" must be \(expected), not \(Self.describe(value))")
        }
        return typed
    }

    private func required<T>(_ name: String, _ expected: String, _ value: T?) throws(JSONRPCError) -> T {
        guard let value else { throw .invalidParams("missing parameter \"\(name)\" (\(expected))") }
        return value
    }

    private func check(_ name: String, _ value: Int, in range: ClosedRange<Int>) throws(JSONRPCError) {
        guard range.contains(value) else {
            throw .invalidParams("parameter \"\(name)\" must be in \(range.lowerBound)...\(range.upperBound), not \(value)")
        }
    }

    private static func describe(_ value: JSONValue) -> String {
        switch value {
        case .null: "null"
        case .bool: "a boolean"
        case .integer, .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}

extension JSONRPCRequest {
    /// Refuses members the method does not take: a misspelt optional parameter must not be silently ignored.
    public func allowingOnly(_ names: Set<String>) throws(JSONRPCError) {
        guard let unknown = params.keys.sorted().first(where: { !names.contains($0) }) else { return }
        let taken = names.isEmpty ? "no parameters" : names.sorted().joined(separator: ", ")
        throw .invalidParams("unknown parameter \"\(unknown)\"; \(method) takes \(taken)")
    }
}
