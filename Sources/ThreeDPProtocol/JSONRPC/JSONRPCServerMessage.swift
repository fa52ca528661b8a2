// The Manager's side of the wire: a message the agent sent, read back into a response or a callback.
// Used by the reference client (`3dp-agent client`) and by tests that talk to a live endpoint.

/// One message from the agent: the response to a request, or a callback.
public enum JSONRPCServerMessage: Sendable, Equatable {
    case response(JSONRPCResponse)
    case callback(JSONRPCCallback)
}

/// Why a message from the agent is not a well-formed 3DP-1 response or callback.
public struct JSONRPCServerMessageError: Error, Sendable, Equatable, CustomStringConvertible {
    public var reason: String

    public init(reason: String) {
        self.reason = reason
    }

    public var description: String { reason }
}

extension JSONRPCServerMessage {
    /// Reads one message, or a batch answer (an array of responses) as several.
    ///
    /// As strict as the agent is with requests: both version members, an id that is a string (null only in an
    /// error response), exactly one of `result` and `error`, an error with an integer `code` and a string
    /// `message`; a `callbackId` makes it a callback, whose id must be a string.
    public static func decode(_ bytes: some Collection<UInt8>, limits: JSONRPCLimits = .default) throws(JSONRPCServerMessageError) -> [JSONRPCServerMessage] {
        guard bytes.count <= limits.maxMessageBytes else {
            throw JSONRPCServerMessageError(reason: "message too large (\(bytes.count) bytes, limit \(limits.maxMessageBytes))")
        }
        let document: JSONValue
        do {
            document = try JSONValue.parse(bytes, maxDepth: limits.maxDepth)
        } catch {
            throw JSONRPCServerMessageError(reason: "not JSON: \(error.description)")
        }
        switch document {
        case let .object(members):
            return [try message(from: members)]
        case let .array(elements) where !elements.isEmpty:
            var messages: [JSONRPCServerMessage] = []
            for element in elements {
                guard case let .object(members) = element else {
                    throw JSONRPCServerMessageError(reason: "batch element is \(element.typeName), not an object")
                }
                let decoded = try message(from: members)
                guard case .response = decoded else {
                    throw JSONRPCServerMessageError(reason: "a callback inside a batch answer")
                }
                messages.append(decoded)
            }
            return messages
        default:
            throw JSONRPCServerMessageError(reason: "message is \(document.typeName), not an object or a non-empty array")
        }
    }

    private static func message(from members: [String: JSONValue]) throws(JSONRPCServerMessageError) -> JSONRPCServerMessage {
        func fail(_ reason: String) -> JSONRPCServerMessageError { JSONRPCServerMessageError(reason: reason) }

        guard members["jsonrpc"] == .string(JSONRPCIncoming.jsonrpcVersion) else { throw fail(#""jsonrpc" is not "2.0""#) }
        guard members["dwapiversion"] == .string(JSONRPCIncoming.dwapiVersion) else { throw fail(#""dwapiversion" is not "1.0""#) }

        let outcome: JSONRPCOutcome
        switch (members["result"], members["error"]) {
        case let (result?, nil): outcome = .result(result)
        case let (nil, error?): outcome = .error(try decodeError(error))
        case (nil, nil): throw fail(#"neither "result" nor "error""#)
        case (_?, _?): throw fail(#"both "result" and "error""#)
        }

        let id: String?
        switch members["id"] {
        case let .string(string)?: id = string
        case .null?:
            guard case .error = outcome else { throw fail(#"a result with a null "id""#) }
            id = nil
        case nil: throw fail(#"missing "id""#)
        case let other?: throw fail(#""id" is \#(other.typeName), not a string"#)
        }

        switch members["callbackId"] {
        case nil:
            return .response(JSONRPCResponse(id: id, outcome: outcome))
        case let .string(topic)?:
            guard let id else { throw fail(#"a callback with a null "id""#) }
            return .callback(JSONRPCCallback(id: id, callbackId: topic, outcome: outcome))
        case let other?:
            throw fail(#""callbackId" is \#(other.typeName), not a string"#)
        }
    }

    private static func decodeError(_ value: JSONValue) throws(JSONRPCServerMessageError) -> JSONRPCError {
        guard case let .object(members) = value else {
            throw JSONRPCServerMessageError(reason: #""error" is \#(value.typeName), not an object"#)
        }
        guard let code = members["code"]?.intValue else {
            throw JSONRPCServerMessageError(reason: #""error" has no integer "code""#)
        }
        guard let message = members["message"]?.stringValue else {
            throw JSONRPCServerMessageError(reason: #""error" has no string "message""#)
        }
        return JSONRPCError(code: code, message: message, data: members["data"])
    }
}
