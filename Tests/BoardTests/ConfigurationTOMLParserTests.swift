@testable import AgentConfig
import Testing
@testable import Board

/// The tree without positions, one line per value: "table.key = value", arrays of tables numbered from 1.
private func render(_ table: TOMLTable) -> [String] {
    var lines: [String] = []
    for entry in table.entries {
        switch entry.value {
        case .table(let inner):
            lines.append("[\(entry.key)]")
            lines += render(inner).map { "\(entry.key).\($0)" }
        case .tableArray(let tables):
            for (number, inner) in tables.enumerated() {
                lines.append("[[\(entry.key)]] \(number + 1)")
                lines += render(inner).map { "\(entry.key)#\(number + 1).\($0)" }
            }
        default:
            lines.append("\(entry.key) = \(render(entry.value))")
        }
    }
    return lines
}

private func render(_ value: TOMLValue) -> String {
    switch value {
    case .string(let text): String(reflecting: text)
    case .integer(let integer): "int \(integer)"
    case .float(let float): "float \(float)"
    case .boolean(let boolean): "\(boolean)"
    case .array(let elements): "[" + elements.map(render).joined(separator: ", ") + "]"
    case .table, .tableArray: "table"
    }
}

struct ConfigurationTOMLParserTests {
    struct Accepted: Sendable, CustomStringConvertible {
        var text: String
        var tree: [String]
        var description: String { String(reflecting: text) }
    }

    static let accepted: [Accepted] = [
        Accepted(text: "", tree: []),
        Accepted(text: "# only a comment\n\n   \n", tree: []),
        Accepted(text: #"a = "quote \" backslash \\ newline \n tab \t e-acute \u00E9 emoji \U0001F600""#,
                 tree: [#"a = "quote \" backslash \\ newline \n tab \t e-acute é emoji 😀""#]),
        Accepted(text: #"path = 'C:\no\escapes "here"'"#, tree: [#"path = "C:\\no\\escapes \"here\"""#]),
        Accepted(text: "a = 1_000\nb = +5\nc = -17\nd = 0\ne = -0",
                 tree: ["a = int 1000", "b = int 5", "c = int -17", "d = int 0", "e = int 0"]),
        Accepted(text: "a = 1.5\nb = -0.01\nc = 5e+22\nd = 1E3\ne = 6.626e-34\nf = 1_000.000_5\ng = 0.5",
                 tree: ["a = float 1.5", "b = float -0.01", "c = float 5e+22", "d = float 1000.0",
                        "e = float 6.626e-34", "f = float 1000.0005", "g = float 0.5"]),
        Accepted(text: "on = true\noff = false", tree: ["on = true", "off = false"]),
        Accepted(text: "volume = [\n  250, # x\n  210,\n  # comment line\n  205.5,\n]",
                 tree: ["volume = [int 250, int 210, float 205.5]"]),
        Accepted(text: "nested = [[1, 2], [], ['a']]\nempty = [ ]",
                 tree: [#"nested = [[int 1, int 2], [], ["a"]]"#, "empty = []"]),
        Accepted(text: "\"my key\" = 1\n'literal key' = 2\nbare-key_9 = 3\n\"\" = 4",
                 tree: ["my key = int 1", "literal key = int 2", "bare-key_9 = int 3", " = int 4"]),
        Accepted(text: "top = 1\n[agent]\nname = \"a\"\n[[printer]]\nid = \"x\"\n[[printer]]\n[ \"events\" ]\n",
                 tree: ["top = int 1", "[agent]", #"agent.name = "a""#, "[[printer]] 1", #"printer#1.id = "x""#,
                        "[[printer]] 2", "[events]"]),
        Accepted(text: "[agent] # trailing comment\r\nname\t=\t\"crlf\"  # another\r\n",
                 tree: ["[agent]", #"agent.name = "crlf""#]),
    ]

    @Test(arguments: accepted)
    func parsesTheSubset(_ example: Accepted) throws {
        #expect(render(try TOMLParser.parse(example.text)) == example.tree)
    }

    struct Refused: Sendable, CustomStringConvertible {
        var text: String
        var line: Int
        var column: Int
        var message: String
        var description: String { String(reflecting: text) }
    }

    static let refused: [Refused] = [
        Refused(text: "a =\n", line: 1, column: 4, message: "expected a value after '='"),
        Refused(text: "a = # nothing", line: 1, column: 5, message: "expected a value after '='"),
        Refused(text: "# one\n\n[agent]\nname = \n", line: 4, column: 8, message: "expected a value after '='"),
        Refused(text: "a", line: 1, column: 2, message: "expected '=' after the key 'a'"),
        Refused(text: "= 1", line: 1, column: 1,
                message: "expected a key, a [table] header or a comment, found '='"),
        Refused(text: "a = 1\na = 2", line: 2, column: 1, message: "duplicate key 'a'; it was first set on line 1"),
        Refused(text: "[t]\nx = 1\n[u]\n[t]", line: 4, column: 2,
                message: "duplicate table [t]; it was first defined on line 1"),
        Refused(text: "[t]\n[[t]]", line: 2, column: 3, message: "[[t]] clashes with the table [t] on line 1"),
        Refused(text: "[[t]]\n[t]", line: 2, column: 2,
                message: "[t] clashes with the array of tables [[t]] on line 1"),
        Refused(text: "t = 1\n[t]", line: 2, column: 2, message: "[t] clashes with the key 't' set on line 1"),
        Refused(text: "[[printer]]\nid = 'a'\nid = 'b'", line: 3, column: 1,
                message: "duplicate key 'id'; it was first set on line 2"),
        Refused(text: "a = \"abc", line: 1, column: 9,
                message: "expected '\"' to close the string on the line it starts"),
        Refused(text: "a = 'abc\n'", line: 1, column: 9,
                message: "expected \"'\" to close the string on the line it starts"),
        Refused(text: #"a = "\q""#, line: 1, column: 6,
                message: #"invalid escape '\q'; the escapes are \" \\ \b \f \n \r \t \uXXXX \UXXXXXXXX"#),
        Refused(text: #"a = "\u12""#, line: 1, column: 6, message: #"expected 4 hexadecimal digits after '\u'"#),
        Refused(text: #"a = "\uD800""#, line: 1, column: 6, message: #"\uD800 is not a Unicode scalar value"#),
        Refused(text: "a = \"tab\tok bell\u{07}\"", line: 1, column: 17,
                message: "control character U+0007 in a string; write it as an escape"),
        Refused(text: "a = 01", line: 1, column: 5, message: "'01' is not a valid number"),
        Refused(text: "a = 1__0", line: 1, column: 5, message: "'1__0' is not a valid number"),
        Refused(text: "a = 1_", line: 1, column: 5, message: "'1_' is not a valid number"),
        Refused(text: "a = 1.", line: 1, column: 5, message: "'1.' is not a valid number"),
        Refused(text: "a = 1e", line: 1, column: 5, message: "'1e' is not a valid number"),
        Refused(text: "a = 1979-05-27", line: 1, column: 5, message: "'1979-05-27' is not a valid number"),
        Refused(text: "a = 9223372036854775808", line: 1, column: 5,
                message: "'9223372036854775808' does not fit in a 64-bit integer"),
        Refused(text: "a = 1e400", line: 1, column: 5, message: "'1e400' is too large for a float"),
        Refused(text: "a = -inf", line: 1, column: 5, message: "inf and nan are not supported"),
        Refused(text: "log_level = debug", line: 1, column: 13,
                message: "expected a value after '=', found 'debug'; strings need quotes: \"debug\""),
        Refused(text: "a = [1, 2\n", line: 2, column: 1, message: "expected ']' to close the array"),
        Refused(text: "a = [1 2]", line: 1, column: 8, message: "expected ',' or ']' in the array, found '2'"),
        Refused(text: "a = [,]", line: 1, column: 6, message: "expected a value or ']', found ','"),
        Refused(text: "a.b = 1", line: 1, column: 2, message: "dotted keys are not supported; put 'a' in its [table]"),
        Refused(text: "[a.b]", line: 1, column: 3,
                message: "dotted table names are not supported; use a one-part name such as [printers]"),
        Refused(text: "[]", line: 1, column: 2, message: "expected a table name after '['"),
        Refused(text: "[[t]\n", line: 1, column: 5, message: "expected ']]' to close '[[t'"),
        Refused(text: "[t", line: 1, column: 3, message: "expected ']' after the table name 't'"),
        Refused(text: "a = {x = 1}", line: 1, column: 5,
                message: "inline tables ({ … }) are not supported; use a [table]"),
        Refused(text: "a = \"\"\"x\"\"\"", line: 1, column: 5,
                message: "multi-line strings (\"\"\") are not supported; use \\n in a basic string"),
        Refused(text: "a = 1 b = 2", line: 1, column: 7,
                message: "expected the end of the line after the value of 'a', found 'b'"),
        Refused(text: "[t] x", line: 1, column: 5, message: "expected the end of the line after the table header, found 'x'"),
        Refused(text: "a = 1\r b = 2", line: 1, column: 6, message: "a carriage return must be followed by a line feed"),
        Refused(text: "# bell \u{07}", line: 1, column: 8, message: "control character U+0007 in a comment"),
    ]

    @Test(arguments: refused)
    func refusesWithLineColumnAndWhatWasExpected(_ example: Refused) {
        #expect(throws: TOMLSyntaxError(
            position: TOMLPosition(line: example.line, column: example.column), message: example.message)
        ) {
            try TOMLParser.parse(example.text)
        }
    }

    @Test func recordsWhereKeysValuesAndSectionsAre() throws {
        let root = try TOMLParser.parse("# c\n[[printer]]\n  id = \"a\"\n[[printer]]\nport =   '/dev/x'\n")
        guard case .tableArray(let printers) = root["printer"]?.value else {
            Issue.record("no [[printer]] array")
            return
        }
        #expect(printers.map(\.position) == [TOMLPosition(line: 2, column: 1), TOMLPosition(line: 4, column: 1)])
        #expect(printers[0]["id"]?.keyPosition == TOMLPosition(line: 3, column: 3))
        #expect(printers[0]["id"]?.valuePosition == TOMLPosition(line: 3, column: 8))
        #expect(printers[1]["port"]?.valuePosition == TOMLPosition(line: 5, column: 10))
    }

    @Test func readsUTF8BytesSkippingAByteOrderMark() throws {
        let root = try TOMLParser.parse(bytes: [0xEF, 0xBB, 0xBF] + Array("name = \"Drucker Küche\"".utf8))
        #expect(root["name"]?.value == .string("Drucker Küche"))
    }

    @Test func refusesInvalidUTF8WithItsPlace() {
        let bytes: [UInt8] = Array("a = 1\nb = \"".utf8) + [0xFF] + Array("\"".utf8)
        #expect(throws: TOMLSyntaxError(
            position: TOMLPosition(line: 2, column: 6), message: "the file is not valid UTF-8")
        ) {
            try TOMLParser.parse(bytes: bytes)
        }
    }
}
