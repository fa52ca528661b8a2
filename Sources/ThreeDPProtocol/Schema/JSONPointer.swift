import Foundation

/// JSON Pointers (RFC 6901): where a failure is in an instance, and where a `$ref` points in the schema document.
public enum JSONPointer {
    /// One reference token, escaped: "~" → "~0", "/" → "~1".
    public static func escape(_ token: String) -> String {
        token.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
    }

    public static func appending(_ token: String, to pointer: String) -> String {
        pointer + "/" + escape(token)
    }

    /// The unescaped tokens of a pointer ("" is the whole document); nil when it is not a pointer.
    public static func tokens(of pointer: String) -> [String]? {
        if pointer.isEmpty { return [] }
        guard pointer.hasPrefix("/") else { return nil }
        var tokens: [String] = []
        for raw in pointer.dropFirst().split(separator: "/", omittingEmptySubsequences: false) {
            guard let token = unescape(String(raw)) else { return nil }
            tokens.append(token)
        }
        return tokens
    }

    /// "~" must be followed by 0 or 1; "~1" is replaced before "~0" so "~01" stays "~1".
    private static func unescape(_ raw: String) -> String? {
        var token = ""
        var iterator = raw.makeIterator()
        while let character = iterator.next() {
            guard character == "~" else {
                token.append(character)
                continue
            }
            switch iterator.next() {
            case "0": token.append("~")
            case "1": token.append("/")
            default: return nil
            }
        }
        return token
    }

    /// The value a pointer designates, or nil.
    public static func resolve(_ pointer: String, in document: JSONValue) -> JSONValue? {
        guard let tokens = tokens(of: pointer) else { return nil }
        var value = document
        for token in tokens {
            switch value {
            case let .object(members):
                guard let member = members[token] else { return nil }
                value = member
            case let .array(elements):
                // RFC 6901: a decimal index without leading zeros.
                guard let index = Int(token), String(index) == token, elements.indices.contains(index) else { return nil }
                value = elements[index]
            default:
                return nil
            }
        }
        return value
    }

    /// The pointer of a same-document URI reference such as "#/$defs/Job" (percent-escapes decoded), or nil for
    /// anything else: only local references are supported.
    public static func fromFragment(_ reference: String) -> String? {
        guard reference.hasPrefix("#") else { return nil }
        return String(reference.dropFirst()).removingPercentEncoding
    }
}
