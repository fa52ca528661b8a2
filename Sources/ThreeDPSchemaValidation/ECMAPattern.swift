import Foundation
import ThreeDPProtocol

/// Why a `pattern` cannot be used.
struct ECMAPatternError: Error {
    var reason: String
}

/// A JSON Schema `pattern`: an ECMA-262 regular expression, matched anywhere in the string unless anchored.
///
/// Run by ICU (NSRegularExpression), whose dialect differs where it matters for a validator: ICU's `\d` and `\w`
/// accept any Unicode digit or letter ("١٢٣٤٥٦" would pass as a six-digit code), and its `$` also matches before a
/// final line break ("…+0100\n" would pass as a time stamp). So the pattern is translated first: `\d`, `\D`, `\w`,
/// `\W` become their ASCII classes, `$` becomes `\z` (end of input; ECMA-262 without the m flag), and a `[` inside
/// a class is literal, as in ECMA-262 (ICU would start a nested set). Escapes ICU reads differently inside a class
/// (`\D`, `\W` there) are refused rather than guessed.
struct ECMAPattern {
    let source: String
    private let expression: NSRegularExpression

    init(_ source: String) throws(ECMAPatternError) {
        self.source = source
        let translated = try Self.translate(source)
        do {
            expression = try NSRegularExpression(pattern: translated)
        } catch {
            throw ECMAPatternError(reason: "is not a valid regular expression: \(source)")
        }
    }

    func matches(_ text: String) -> Bool {
        expression.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }

    static func translate(_ source: String) throws(ECMAPatternError) -> String {
        var output = ""
        var inClass = false
        var characters = source.makeIterator()
        while let character = characters.next() {
            switch character {
            case "\\":
                guard let escaped = characters.next() else { throw ECMAPatternError(reason: "ends with a lone backslash") }
                switch (escaped, inClass) {
                case ("d", false): output += "[0-9]"
                case ("d", true): output += "0-9"
                case ("D", false): output += "[^0-9]"
                case ("w", false): output += "[A-Za-z0-9_]"
                case ("w", true): output += "A-Za-z0-9_"
                case ("W", false): output += "[^A-Za-z0-9_]"
                case ("D", true), ("W", true):
                    throw ECMAPatternError(reason: "uses \\\(escaped) inside a character class, which is not supported")
                default: output += "\\\(escaped)"
                }
            case "[":
                output += inClass ? "\\[" : "["
                inClass = true
            case "]" where inClass:
                output += "]"
                inClass = false
            case "$" where !inClass:
                output += "\\z"
            default:
                output.append(character)
            }
        }
        if inClass { throw ECMAPatternError(reason: "has an unterminated character class") }
        return output
    }
}
