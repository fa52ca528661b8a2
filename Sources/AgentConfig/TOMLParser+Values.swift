/// Values: strings with their escapes, arrays, booleans; numbers go to `TOMLNumber`.
extension TOMLDocumentParser {
    mutating func value(expected: String) throws(TOMLSyntaxError) -> TOMLValue {
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
                return try TOMLNumber.value(token, at: start)
            }
            if token == "inf" || token == "nan" {
                throw TOMLSyntaxError(position: start, message: "inf and nan are not supported")
            }
            throw TOMLSyntaxError(
                position: start,
                message: "expected \(expected), found '\(token)'; strings need quotes: \"\(token)\"")
        }
    }

    mutating func array() throws(TOMLSyntaxError) -> [TOMLValue] {
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

    mutating func basicString() throws(TOMLSyntaxError) -> String {
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

    mutating func escape() throws(TOMLSyntaxError) -> Unicode.Scalar {
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

    mutating func literalString() throws(TOMLSyntaxError) -> String {
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
}
