// One message from a Manager → the requests in it, or the error responses it earns (DESIGN.md §4, seed 002 table 1).

/// Bounds on an incoming message, checked before it is parsed.
public struct JSONRPCLimits: Sendable, Equatable {
    /// Larger messages are refused by their length alone.
    public var maxMessageBytes: Int
    /// Arrays and objects inside one another; the request object itself is level 1.
    public var maxDepth: Int
    /// Requests in one batch: each is answered in turn, so a batch of thousands would keep one connection (and
    /// the printer's console, for `printer.gcode`) busy for as long as the sender likes.
    public var maxBatchElements: Int

    public init(maxMessageBytes: Int = 1 << 20, maxDepth: Int = 32, maxBatchElements: Int = 100) {
        self.maxMessageBytes = maxMessageBytes
        self.maxDepth = maxDepth
        self.maxBatchElements = maxBatchElements
    }

    public static let `default` = JSONRPCLimits()
}

/// What one incoming message turned out to be.
public enum JSONRPCIncoming: Sendable, Equatable {
    /// One request object: a request to dispatch, or the error to answer it with.
    case single(Result<JSONRPCRequest, JSONRPCErrorResponse>)
    /// A non-empty array: answer with an array holding one response per element, in order.
    case batch([Result<JSONRPCRequest, JSONRPCErrorResponse>])
    /// The message as a whole is refused (too large, too deep, not JSON, an empty batch, not an object or array):
    /// answer with this single error response.
    case invalid(JSONRPCErrorResponse)
}

extension JSONRPCIncoming {
    public static let jsonrpcVersion = "2.0"
    public static let dwapiVersion = "1.0"

    /// Decodes one message (a WebSocket text frame or an HTTP request body).
    ///
    /// Order of checks: the size (by its length, unread), the nesting depth (a byte scan), then the parse
    /// (-32700 when not JSON), then each request object. Within a request object:
    /// - `"jsonrpc"` must be the string "2.0" and `"dwapiversion"` the string "1.0" (-32600 saying which);
    /// - `"id"` must be a string: 3DP-1 has no notifications, so a missing, null or numeric id is -32600;
    /// - `"method"` a non-empty string;
    /// - `"params"`, when present, an object. JSON-RPC would also allow an array, but 3DP-1's request structure
    ///   (seed 002 table 1) says object, so an array is the request's fault (-32600), not the method's (-32602).
    ///   A missing params is an empty object.
    /// Other members are ignored. An error response echoes the id whenever the request had a string id.
    public static func decode(_ bytes: some Collection<UInt8>, limits: JSONRPCLimits = .default) -> JSONRPCIncoming {
        let count = bytes.count
        guard count <= limits.maxMessageBytes else {
            return .invalid(refusal(.invalidRequest("message too large (\(count) bytes, limit \(limits.maxMessageBytes))")))
        }
        if let decoded = bytes.withContiguousStorageIfAvailable({ decode(buffer: $0, limits: limits) }) {
            return decoded
        }
        return Array(bytes).withUnsafeBufferPointer { decode(buffer: $0, limits: limits) }
    }

    private static func decode(buffer: UnsafeBufferPointer<UInt8>, limits: JSONRPCLimits) -> JSONRPCIncoming {
        let document: JSONValue
        do {
            // The parser's depth limit bounds its recursion: a hostile nesting is refused before it goes deeper.
            document = try JSONValue.parse(buffer, maxDepth: limits.maxDepth)
        } catch {
            if error.isNestingLimit {
                return .invalid(refusal(.invalidRequest("nested too deeply (more than \(limits.maxDepth) levels)")))
            }
            return .invalid(refusal(.parseError("parse error: \(error.description)")))
        }
        switch document {
        case let .object(members):
            return .single(request(from: members))
        case let .array(elements):
            guard !elements.isEmpty else {
                return .invalid(refusal(.invalidRequest("empty batch")))
            }
            guard elements.count <= limits.maxBatchElements else {
                return .invalid(refusal(.invalidRequest(
                    "batch too large (\(elements.count) requests, limit \(limits.maxBatchElements))")))
            }
            return .batch(elements.map { element in
                guard case let .object(members) = element else {
                    return .failure(refusal(.invalidRequest("batch element must be a request object, not \(element.typeName)")))
                }
                return request(from: members)
            })
        default:
            return .invalid(refusal(.invalidRequest("message must be a request object or a batch array, not \(document.typeName)")))
        }
    }

    private static func refusal(_ error: JSONRPCError, id: String? = nil) -> JSONRPCErrorResponse {
        JSONRPCErrorResponse(id: id, error: error)
    }

    /// Validates one request object's envelope.
    static func request(from members: [String: JSONValue]) -> Result<JSONRPCRequest, JSONRPCErrorResponse> {
        // The id first, so that every later complaint can echo it (a whole-number id too, though it is refused).
        let id = members["id"]?.stringValue
        var numericID: Int64?
        if case .integer(let number)? = members["id"] { numericID = number }
        func fail(_ message: String) -> Result<JSONRPCRequest, JSONRPCErrorResponse> {
            .failure(JSONRPCErrorResponse(id: id, error: .invalidRequest(message), numericID: numericID))
        }

        switch members["jsonrpc"] {
        case nil: return fail(#"missing "jsonrpc" member (must be "2.0")"#)
        case .string(jsonrpcVersion)?: break
        case let .string(other)?: return fail(#"unsupported jsonrpc version "\#(other)" (must be "2.0")"#)
        case let other?: return fail(#""jsonrpc" must be the string "2.0", not \#(other.typeName)"#)
        }

        switch members["dwapiversion"] {
        case nil: return fail(#"missing "dwapiversion" member (this endpoint speaks "1.0")"#)
        case .string(dwapiVersion)?: break
        case let .string(other)?: return fail(#"unsupported dwapiversion "\#(other)" (this endpoint speaks "1.0")"#)
        case let other?: return fail(#""dwapiversion" must be the string "1.0", not \#(other.typeName)"#)
        }

        guard let id else {
            if let other = members["id"] {
                return fail(#""id" must be a string, not \#(other.typeName) (3DP-1 has no notifications)"#)
            }
            return fail(#"missing "id" member (3DP-1 has no notifications; every request needs a string id)"#)
        }

        let method: String
        switch members["method"] {
        case nil: return fail(#"missing "method" member"#)
        case let .string(name)?:
            guard !name.isEmpty else { return fail(#""method" must not be empty"#) }
            method = name
        case let other?: return fail(#""method" must be a string, not \#(other.typeName)"#)
        }

        let params: [String: JSONValue]
        switch members["params"] {
        case nil: params = [:]
        case let .object(object)?: params = object
        case let other?: return fail(#""params" must be an object, not \#(other.typeName) (3DP-1 passes parameters by name)"#)
        }

        return .success(JSONRPCRequest(id: id, method: method, params: params))
    }
}
