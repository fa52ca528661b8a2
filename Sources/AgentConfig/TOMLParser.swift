/// A mistake in a configuration file's syntax, with where it is.
struct TOMLSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    var position: TOMLPosition
    var message: String

    var description: String {
        "\(position): \(message)"
    }
}

/// Parses the strict subset of TOML 1.0 the agent's configuration uses: comments, bare and quoted keys,
/// `[table]` and `[[array.of.tables]]` headers with one-part names, single-line basic and literal strings,
/// decimal integers and floats, booleans and (multi-line) arrays. Everything else, such as dotted keys,
/// inline tables, multi-line strings and dates, is refused with a message rather than half-understood.
enum TOMLParser {
    static func parse(_ text: String) throws(TOMLSyntaxError) -> TOMLTable {
        var parser = TOMLDocumentParser(scalars: Array(text.unicodeScalars))
        return try parser.document()
    }

    /// Parses UTF-8 bytes as read from a file; a byte order mark is skipped, invalid UTF-8 is an error.
    static func parse(bytes: [UInt8]) throws(TOMLSyntaxError) -> TOMLTable {
        var scalars: [Unicode.Scalar] = []
        scalars.reserveCapacity(bytes.count)
        var decoder = UTF8()
        var iterator = bytes.makeIterator()
        var line = 1
        var column = 1
        decoding: while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar):
                scalars.append(scalar)
                if scalar == "\n" {
                    line += 1
                    column = 1
                } else {
                    column += 1
                }
            case .emptyInput:
                break decoding
            case .error:
                throw TOMLSyntaxError(
                    position: TOMLPosition(line: line, column: column), message: "the file is not valid UTF-8")
            }
        }
        if scalars.first == "\u{FEFF}" {
            scalars.removeFirst()
        }
        var parser = TOMLDocumentParser(scalars: scalars)
        return try parser.document()
    }
}

/// The parser's state: the scalars of the file and where it is in them, with the line and column every error names.
/// Its parts by concern: the document and its tables here, values in `+Values`, lines and comments in `+Lines`,
/// numbers in `TOMLNumber`, character classes in `+Scalars`.
struct TOMLDocumentParser {
    let scalars: [Unicode.Scalar]
    var index = 0
    var line = 1
    var lineStart = 0

    /// Where `key = value` lines go: the root, a `[table]`, or the last element of a `[[table]]` array,
    /// named by the index of their entry in the root.
    enum Target {
        case root
        case table(Int)
        case lastArrayElement(Int)
    }

    init(scalars: [Unicode.Scalar]) {
        self.scalars = scalars
    }

    // MARK: Document

    mutating func document() throws(TOMLSyntaxError) -> TOMLTable {
        var root = TOMLTable(position: TOMLPosition(line: 1, column: 1))
        var target = Target.root
        while true {
            skipWhitespace()
            guard let scalar = current else { break }
            switch scalar {
            case "#":
                try skipComment()
            case "\n", "\r":
                try newline()
            case "[":
                target = try header(into: &root)
                try endOfLine(after: "the table header")
            default:
                let entry = try keyValue()
                try insert(entry, at: target, in: &root)
                try endOfLine(after: "the value of '\(entry.key)'")
            }
        }
        return root
    }

    mutating func header(into root: inout TOMLTable) throws(TOMLSyntaxError) -> Target {
        let start = position
        advance()
        let isArray = current == "["
        if isArray { advance() }
        skipWhitespace()
        let namePosition = position
        guard let name = try key() else {
            throw error("expected a table name after '\(isArray ? "[[" : "[")'")
        }
        skipWhitespace()
        if current == "." {
            throw error("dotted table names are not supported; use a one-part name such as [printers]")
        }
        guard current == "]" else { throw error("expected '\(isArray ? "]]" : "]")' after the table name '\(name)'") }
        advance()
        if isArray {
            guard current == "]" else { throw error("expected ']]' to close '[[\(name)'") }
            advance()
        }
        let header = isArray ? "[[\(name)]]" : "[\(name)]"
        if let existing = root.entries.firstIndex(where: { $0.key == name }) {
            let first = root.entries[existing]
            switch (first.value, isArray) {
            case (.tableArray(var tables), true):
                tables.append(TOMLTable(position: start))
                root.entries[existing].value = .tableArray(tables)
                return .lastArrayElement(existing)
            case (.table, false):
                throw TOMLSyntaxError(
                    position: namePosition,
                    message: "duplicate table \(header); it was first defined on line \(first.keyPosition.line)")
            case (.table, true):
                throw TOMLSyntaxError(
                    position: namePosition,
                    message: "\(header) clashes with the table [\(name)] on line \(first.keyPosition.line)")
            case (.tableArray, false):
                throw TOMLSyntaxError(
                    position: namePosition,
                    message: "\(header) clashes with the array of tables [[\(name)]] on line \(first.keyPosition.line)")
            default:
                throw TOMLSyntaxError(
                    position: namePosition,
                    message: "\(header) clashes with the key '\(name)' set on line \(first.keyPosition.line)")
            }
        }
        let table = TOMLTable(position: start)
        root.entries.append(TOMLEntry(
            key: name, value: isArray ? .tableArray([table]) : .table(table), keyPosition: start, valuePosition: start))
        return isArray ? .lastArrayElement(root.entries.count - 1) : .table(root.entries.count - 1)
    }

    func insert(_ entry: TOMLEntry, at target: Target, in root: inout TOMLTable) throws(TOMLSyntaxError) {
        switch target {
        case .root:
            try Self.insert(entry, into: &root)
        case .table(let at):
            guard case .table(var table) = root.entries[at].value else { return }
            try Self.insert(entry, into: &table)
            root.entries[at].value = .table(table)
        case .lastArrayElement(let at):
            guard case .tableArray(var tables) = root.entries[at].value, !tables.isEmpty else { return }
            try Self.insert(entry, into: &tables[tables.count - 1])
            root.entries[at].value = .tableArray(tables)
        }
    }

    static func insert(_ entry: TOMLEntry, into table: inout TOMLTable) throws(TOMLSyntaxError) {
        if let first = table[entry.key] {
            throw TOMLSyntaxError(
                position: entry.keyPosition,
                message: "duplicate key '\(entry.key)'; it was first set on line \(first.keyPosition.line)")
        }
        table.entries.append(entry)
    }

    mutating func keyValue() throws(TOMLSyntaxError) -> TOMLEntry {
        let keyPosition = position
        guard let name = try key() else {
            throw error("expected a key, a [table] header or a comment, found \(describeCurrent)")
        }
        skipWhitespace()
        if current == "." {
            throw error("dotted keys are not supported; put '\(name)' in its [table]")
        }
        guard current == "=" else { throw error("expected '=' after the key '\(name)'") }
        advance()
        skipWhitespace()
        let valuePosition = position
        switch current {
        case nil, "\n", "\r", "#":
            throw error("expected a value after '='")
        default:
            let value = try value(expected: "a value after '='")
            return TOMLEntry(key: name, value: value, keyPosition: keyPosition, valuePosition: valuePosition)
        }
    }

    /// A bare or quoted key, or nil when none starts here.
    mutating func key() throws(TOMLSyntaxError) -> String? {
        switch current {
        case "\"":
            return try basicString()
        case "'":
            return try literalString()
        case let scalar? where Self.isBareKeyScalar(scalar):
            var name = ""
            while let scalar = current, Self.isBareKeyScalar(scalar) {
                name.unicodeScalars.append(scalar)
                advance()
            }
            return name
        default:
            return nil
        }
    }

    // The cursor.

    var current: Unicode.Scalar? {
        index < scalars.count ? scalars[index] : nil
    }

    func peek(_ offset: Int) -> Unicode.Scalar? {
        index + offset < scalars.count ? scalars[index + offset] : nil
    }

    mutating func advance() {
        guard index < scalars.count else { return }
        if scalars[index] == "\n" {
            line += 1
            lineStart = index + 1
        }
        index += 1
    }

    var position: TOMLPosition {
        TOMLPosition(line: line, column: index - lineStart + 1)
    }

    func error(_ message: String) -> TOMLSyntaxError {
        TOMLSyntaxError(position: position, message: message)
    }

    var describeCurrent: String {
        switch current {
        case nil: "the end of the file"
        case "\n", "\r": "the end of the line"
        case let scalar? where Self.isControl(scalar): "control character U+\(Self.hex(scalar.value))"
        case let scalar?: "'\(scalar)'"
        }
    }
}
