/// Where something is in a configuration file: 1-based line and column (in characters).
struct TOMLPosition: Sendable, Equatable, CustomStringConvertible {
    var line: Int
    var column: Int

    var description: String {
        "line \(line), column \(column)"
    }
}

/// A value of the TOML subset the agent's configuration uses.
indirect enum TOMLValue: Sendable, Equatable {
    case string(String)
    case integer(Int64)
    case float(Double)
    case boolean(Bool)
    case array([TOMLValue])
    /// A `[name]` section.
    case table(TOMLTable)
    /// The sections of one `[[name]]` array, in file order.
    case tableArray([TOMLTable])

    /// What the value is, in the words an error message uses.
    var kindName: String {
        switch self {
        case .string: "a string"
        case .integer: "an integer"
        case .float: "a float"
        case .boolean: "a boolean"
        case .array: "an array"
        case .table: "a table"
        case .tableArray: "an array of tables"
        }
    }
}

/// One `key = value` line, or a section under the root, with where it was written.
struct TOMLEntry: Sendable, Equatable {
    var key: String
    var value: TOMLValue
    /// Where the key (or the section header) starts.
    var keyPosition: TOMLPosition
    /// Where the value starts; for sections, the header.
    var valuePosition: TOMLPosition
}

/// A table in file order. Order matters only for error messages and `[[printer]]` numbering; keys are unique.
struct TOMLTable: Sendable, Equatable {
    /// The header's position; line 1, column 1 for the root.
    var position: TOMLPosition
    var entries: [TOMLEntry] = []

    init(position: TOMLPosition, entries: [TOMLEntry] = []) {
        self.position = position
        self.entries = entries
    }

    subscript(key: String) -> TOMLEntry? {
        entries.first { $0.key == key }
    }

    var keys: [String] {
        entries.map(\.key)
    }
}
