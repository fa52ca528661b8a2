/// Line ends, whitespace and comments, which TOML allows only in some places.
extension TOMLDocumentParser {
    mutating func endOfLine(after what: String) throws(TOMLSyntaxError) {
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

    mutating func newline() throws(TOMLSyntaxError) {
        if current == "\r" {
            guard peek(1) == "\n" else { throw error("a carriage return must be followed by a line feed") }
            advance()
        }
        advance()
    }

    mutating func skipComment() throws(TOMLSyntaxError) {
        while let scalar = current, scalar != "\n" {
            if scalar == "\r" && peek(1) == "\n" { return }
            if Self.isControl(scalar) {
                throw error("control character U+\(Self.hex(scalar.value)) in a comment")
            }
            advance()
        }
    }

    /// Whitespace, newlines and comments, as allowed between the elements of an array.
    mutating func skipBlank() throws(TOMLSyntaxError) {
        while let scalar = current {
            switch scalar {
            case " ", "\t": advance()
            case "\n", "\r": try newline()
            case "#": try skipComment()
            default: return
            }
        }
    }

    mutating func skipWhitespace() {
        while current == " " || current == "\t" {
            advance()
        }
    }
}
