import Endpoint
@testable import ThreeDPProtocol

extension JSONValue {
    /// A copy with the value at `pointer` replaced, or removed when `value` is nil (test mutations).
    func setting(_ pointer: String, to value: JSONValue?) -> JSONValue {
        guard let tokens = JSONPointer.tokens(of: pointer), !tokens.isEmpty else { return value ?? .null }
        return setting(tokens[...], to: value)
    }

    private func setting(_ tokens: ArraySlice<String>, to value: JSONValue?) -> JSONValue {
        let token = tokens.first!
        let rest = tokens.dropFirst()
        switch self {
        case var .object(members):
            if rest.isEmpty {
                members[token] = value
            } else {
                members[token] = members[token]!.setting(rest, to: value)
            }
            return .object(members)
        case var .array(elements):
            let index = Int(token)!
            if rest.isEmpty {
                if let value { elements[index] = value } else { elements.remove(at: index) }
            } else {
                elements[index] = elements[index].setting(rest, to: value)
            }
            return .array(elements)
        default:
            fatalError("no member \(token) in \(self)")
        }
    }
}
