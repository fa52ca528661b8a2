/// TOML's decimal numbers, checked as strictly as the grammar writes them.
enum TOMLNumber {
    /// A decimal integer or float as TOML writes them: optional sign, no leading zeros, `_` only between digits.
    static func value(_ token: String, at position: TOMLPosition) throws(TOMLSyntaxError) -> TOMLValue {
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
}
