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
        var parser = Parser(scalars: Array(text.unicodeScalars))
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
        var parser = Parser(scalars: scalars)
        return try parser.document()
    }
}

private struct Parser {
    private let scalars: [Unicode.Scalar]
    private var index = 0
    private var line = 1
    private var lineStart = 0

    /// Where `key = value` lines go: the root, a `[table]`, or the last element of a `[[table]]` array,
    /// named by the index of their entry in the root.
    private enum Target {
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

    private mutating func header(into root: inout TOMLTable) throws(TOMLSyntaxError) -> Target {
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

    private func insert(_ entry: TOMLEntry, at target: Target, in root: inout TOMLTable) throws(TOMLSyntaxError) {
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

    private static func insert(_ entry: TOMLEntry, into table: inout TOMLTable) throws(TOMLSyntaxError) {
        if let first = table[entry.key] {
            throw TOMLSyntaxError(
                position: entry.keyPosition,
                message: "duplicate key '\(entry.key)'; it was first set on line \(first.keyPosition.line)")
        }
        table.entries.append(entry)
    }

    private mutating func keyValue() throws(TOMLSyntaxError) -> TOMLEntry {
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
    private mutating func key() throws(TOMLSyntaxError) -> String? {
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

    // MARK: Values

    private mutating func value(expected: String) throws(TOMLSyntaxError) -> TOMLValue {
        switch current {
        case "\"":
            if peek(1) == "\"" && peek(2) == "\"" {
                throw error("multi-line strings (\"\"\") are not supported; use \\n in a basic string")
            }
            return .string(try basicString())
        case "'":
            if peek(1) == "'" && peek(2) == "'" {
                throw error("multi-line strings (''') are not supported")
            }
            return .string(try literalString())
        case "[":
            return .array(try array())
        case "{":
            throw error("inline tables ({ … }) are not supported; use a [table]")
        default:
            let start = position
            var token = ""
            while let scalar = current, !Self.endsBareValue(scalar) {
                token.unicodeScalars.append(scalar)
                advance()
            }
            if token.isEmpty {
                throw error("expected \(expected), found \(describeCurrent)")
            }
            if token == "true" { return .boolean(true) }
            if token == "false" { return .boolean(false) }
            if let first = token.unicodeScalars.first, first == "+" || first == "-" || ("0"..."9").contains(first) {
                if ["inf", "nan"].contains(token.dropFirst()) {
                    throw TOMLSyntaxError(position: start, message: "inf and nan are not supported")
                }
                return try Self.number(token, at: start)
            }
            if token == "inf" || token == "nan" {
                throw TOMLSyntaxError(position: start, message: "inf and nan are not supported")
            }
            throw TOMLSyntaxError(
                position: start,
                message: "expected \(expected), found '\(token)'; strings need quotes: \"\(token)\"")
        }
    }

    private mutating func array() throws(TOMLSyntaxError) -> [TOMLValue] {
        advance()
        var elements: [TOMLValue] = []
        while true {
            try skipBlank()
            switch current {
            case "]":
                advance()
                return elements
            case nil:
                throw error("expected ']' to close the array")
            default:
                elements.append(try value(expected: "a value or ']'"))
            }
            try skipBlank()
            switch current {
            case ",":
                advance()
            case "]":
                advance()
                return elements
            case nil:
                throw error("expected ']' to close the array")
            default:
                throw error("expected ',' or ']' in the array, found \(describeCurrent)")
            }
        }
    }

    private mutating func basicString() throws(TOMLSyntaxError) -> String {
        advance()
        var text = ""
        while true {
            guard let scalar = current, scalar != "\n", scalar != "\r" else {
                throw error("expected '\"' to close the string on the line it starts")
            }
            switch scalar {
            case "\"":
                advance()
                return text
            case "\\":
                text.unicodeScalars.append(try escape())
            default:
                if Self.isControl(scalar) {
                    throw error("control character U+\(Self.hex(scalar.value)) in a string; write it as an escape")
                }
                text.unicodeScalars.append(scalar)
                advance()
            }
        }
    }

    private mutating func escape() throws(TOMLSyntaxError) -> Unicode.Scalar {
        let start = position
        advance()
        guard let letter = current else { throw error("expected an escape after '\\'") }
        advance()
        switch letter {
        case "b": return "\u{08}"
        case "t": return "\t"
        case "n": return "\n"
        case "f": return "\u{0C}"
        case "r": return "\r"
        case "\"": return "\""
        case "\\": return "\\"
        case "u", "U":
            let count = letter == "u" ? 4 : 8
            var value: UInt32 = 0
            for _ in 0..<count {
                guard let digit = current, let nibble = Self.hexValue(digit) else {
                    throw TOMLSyntaxError(
                        position: start, message: "expected \(count) hexadecimal digits after '\\\(letter)'")
                }
                value = value << 4 | nibble
                advance()
            }
            guard let scalar = Unicode.Scalar(value) else {
                throw TOMLSyntaxError(
                    position: start, message: "\\\(letter)\(Self.hex(value)) is not a Unicode scalar value")
            }
            return scalar
        default:
            throw TOMLSyntaxError(
                position: start,
                message: "invalid escape '\\\(letter)'; the escapes are \\\" \\\\ \\b \\f \\n \\r \\t \\uXXXX \\UXXXXXXXX")
        }
    }

    private mutating func literalString() throws(TOMLSyntaxError) -> String {
        advance()
        var text = ""
        while true {
            guard let scalar = current, scalar != "\n", scalar != "\r" else {
                throw error("expected \"'\" to close the string on the line it starts")
            }
            if scalar == "'" {
                advance()
                return text
            }
            if Self.isControl(scalar) {
                throw error("control character U+\(Self.hex(scalar.value)) in a string")
            }
            text.unicodeScalars.append(scalar)
            advance()
        }
    }

    /// A decimal integer or float as TOML writes them: optional sign, no leading zeros, `_` only between digits.
    private static func number(_ token: String, at position: TOMLPosition) throws(TOMLSyntaxError) -> TOMLValue {
        let invalid = TOMLSyntaxError(position: position, message: "'\(token)' is not a valid number")
        let scalars = Array(token.unicodeScalars)
        var at = 0
        var text = ""
        if scalars[at] == "+" || scalars[at] == "-" {
            text.unicodeScalars.append(scalars[at])
            at += 1
        }
        guard let whole = digitRun(scalars, &at) else { throw invalid }
        if whole.count > 1 && whole.hasPrefix("0") { throw invalid }
        text += whole
        var isFloat = false
        if at < scalars.count && scalars[at] == "." {
            at += 1
            guard let fraction = digitRun(scalars, &at) else { throw invalid }
            text += "." + fraction
            isFloat = true
        }
        if at < scalars.count && (scalars[at] == "e" || scalars[at] == "E") {
            at += 1
            text += "e"
            if at < scalars.count && (scalars[at] == "+" || scalars[at] == "-") {
                text.unicodeScalars.append(scalars[at])
                at += 1
            }
            guard let exponent = digitRun(scalars, &at) else { throw invalid }
            text += exponent
            isFloat = true
        }
        guard at == scalars.count else { throw invalid }
        if isFloat {
            guard let value = Double(text), value.isFinite else {
                throw TOMLSyntaxError(position: position, message: "'\(token)' is too large for a float")
            }
            return .float(value)
        }
        guard let value = Int64(text) else {
            throw TOMLSyntaxError(position: position, message: "'\(token)' does not fit in a 64-bit integer")
        }
        return .integer(value)
    }

    /// Digits with single underscores between them; nil when there is no digit or an underscore is misplaced.
    private static func digitRun(_ scalars: [Unicode.Scalar], _ at: inout Int) -> String? {
        var digits = ""
        while at < scalars.count {
            let scalar = scalars[at]
            if ("0"..."9").contains(scalar) {
                digits.unicodeScalars.append(scalar)
                at += 1
            } else if scalar == "_" {
                guard !digits.isEmpty, at + 1 < scalars.count, ("0"..."9").contains(scalars[at + 1]) else {
                    return nil
                }
                at += 1
            } else {
                break
            }
        }
        return digits.isEmpty ? nil : digits
    }

    // MARK: Lines, whitespace and comments

    private mutating func endOfLine(after what: String) throws(TOMLSyntaxError) {
        skipWhitespace()
        if current == "#" { try skipComment() }
        switch current {
        case nil:
            return
        case "\n", "\r":
            try newline()
        default:
            throw error("expected the end of the line after \(what), found \(describeCurrent)")
        }
    }

    private mutating func newline() throws(TOMLSyntaxError) {
        if current == "\r" {
            guard peek(1) == "\n" else { throw error("a carriage return must be followed by a line feed") }
            advance()
        }
        advance()
    }

    private mutating func skipComment() throws(TOMLSyntaxError) {
        while let scalar = current, scalar != "\n" {
            if scalar == "\r" && peek(1) == "\n" { return }
            if Self.isControl(scalar) {
                throw error("control character U+\(Self.hex(scalar.value)) in a comment")
            }
            advance()
        }
    }

    /// Whitespace, newlines and comments, as allowed between the elements of an array.
    private mutating func skipBlank() throws(TOMLSyntaxError) {
        while let scalar = current {
            switch scalar {
            case " ", "\t": advance()
            case "\n", "\r": try newline()
            case "#": try skipComment()
            default: return
            }
        }
    }

    private mutating func skipWhitespace() {
        while current == " " || current == "\t" {
            advance()
        }
    }

    // MARK: Cursor

    private var current: Unicode.Scalar? {
        index < scalars.count ? scalars[index] : nil
    }

    private func peek(_ offset: Int) -> Unicode.Scalar? {
        index + offset < scalars.count ? scalars[index + offset] : nil
    }

    private mutating func advance() {
        guard index < scalars.count else { return }
        if scalars[index] == "\n" {
            line += 1
            lineStart = index + 1
        }
        index += 1
    }

    private var position: TOMLPosition {
        TOMLPosition(line: line, column: index - lineStart + 1)
    }

    private func error(_ message: String) -> TOMLSyntaxError {
        TOMLSyntaxError(position: position, message: message)
    }

    private var describeCurrent: String {
        switch current {
        case nil: "the end of the file"
        case "\n", "\r": "the end of the line"
        case let scalar? where Self.isControl(scalar): "control character U+\(Self.hex(scalar.value))"
        case let scalar?: "'\(scalar)'"
        }
    }

    // MARK: Character classes

    private static func isBareKeyScalar(_ scalar: Unicode.Scalar) -> Bool {
        ("A"..."Z").contains(scalar) || ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar)
            || scalar == "_" || scalar == "-"
    }

    private static func endsBareValue(_ scalar: Unicode.Scalar) -> Bool {
        [" ", "\t", "\n", "\r", ",", "]", "[", "#", "{", "}", "=", "\"", "'"].contains(scalar)
    }

    /// Control characters TOML forbids in strings and comments; tab is allowed.
    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        (scalar.value < 0x20 && scalar != "\t") || scalar.value == 0x7F
    }

    private static func hexValue(_ scalar: Unicode.Scalar) -> UInt32? {
        switch scalar {
        case "0"..."9": scalar.value - 0x30
        case "a"..."f": scalar.value - 0x61 + 10
        case "A"..."F": scalar.value - 0x41 + 10
        default: nil
        }
    }

    private static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
