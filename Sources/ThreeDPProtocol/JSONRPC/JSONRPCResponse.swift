// What the agent sends: responses (alone or as a batch) and callbacks, as compact JSON with a fixed member order.

/// A response's payload: `result` on success, `error` otherwise (never both, JSON-RPC 2.0 §5).
public enum JSONRPCOutcome: Sendable, Equatable {
    case result(JSONValue)
    case error(JSONRPCError)
}

/// A response to one request: `{"jsonrpc":"2.0","dwapiversion":"1.0","id":…,"result"|"error":…}`.
public struct JSONRPCResponse: Sendable, Equatable {
    /// The request's id; nil (written as `null`, or as `numericID`) when the request had no valid string id.
    public var id: String?
    public var outcome: JSONRPCOutcome
    /// A request refused for its numeric id still gets that id back, so that a client can tell which of its
    /// requests was refused (3DP-1 ids are strings; JSON-RPC allows numbers).
    public var numericID: Int64?

    public init(id: String?, outcome: JSONRPCOutcome) {
        self.id = id
        self.outcome = outcome
    }

    public static func result(id: String, _ result: JSONValue) -> JSONRPCResponse {
        JSONRPCResponse(id: id, outcome: .result(result))
    }

    public static func error(id: String?, _ error: JSONRPCError) -> JSONRPCResponse {
        JSONRPCResponse(id: id, outcome: .error(error))
    }

    public func encode(into writer: inout JSONWriter) throws(JSONEncodingError) {
        writer.writeRaw(#"{"jsonrpc":"2.0","dwapiversion":"1.0","id":"#)
        if let id {
            writer.writeString(id)
        } else if let numericID {
            writer.writeInteger(numericID)
        } else {
            writer.writeRaw("null")
        }
        try writeOutcome(outcome, into: &writer)
        writer.writeRaw("}")
    }

    public func encoded() throws(JSONEncodingError) -> [UInt8] {
        var writer = JSONWriter()
        try encode(into: &writer)
        return writer.bytes
    }

    /// The response, or when its result or error data cannot be written (a NaN somewhere) a -32603 with the same
    /// id: a request always gets an answer.
    public func encodedOrInternalError() -> [UInt8] {
        do {
            return try encoded()
        } catch {
            return Self.internalErrorResponse(id: id, numericID: numericID, error)
        }
    }

    /// A batch's answer: a JSON array of the responses, in the order given.
    public static func encodeBatch(_ responses: [JSONRPCResponse]) throws(JSONEncodingError) -> [UInt8] {
        var writer = JSONWriter(reservingCapacity: 128 * responses.count)
        writer.writeRaw("[")
        for (position, response) in responses.enumerated() {
            if position > 0 { writer.writeRaw(",") }
            try response.encode(into: &writer)
        }
        writer.writeRaw("]")
        return writer.bytes
    }

    /// The batch with every response that cannot be written replaced by its -32603.
    public static func encodeBatchOrInternalErrors(_ responses: [JSONRPCResponse]) -> [UInt8] {
        var bytes: [UInt8] = [UInt8(ascii: "[")]
        for (position, response) in responses.enumerated() {
            if position > 0 { bytes.append(UInt8(ascii: ",")) }
            bytes.append(contentsOf: response.encodedOrInternalError())
        }
        bytes.append(UInt8(ascii: "]"))
        return bytes
    }

    private static func internalErrorResponse(id: String?, numericID: Int64?, _ failure: JSONEncodingError) -> [UInt8] {
        var response = JSONRPCResponse.error(id: id, .internalError("the response could not be encoded: \(failure.reason)"))
        response.numericID = numericID
        // Only strings, which always encode.
        return (try? response.encoded()) ?? []
    }
}

/// A request that failed before it reached a method: the error and the id to echo (nil when it had no string id).
public struct JSONRPCErrorResponse: Error, Sendable, Equatable {
    public var id: String?
    public var error: JSONRPCError
    /// The request's id when it was a whole number rather than a string: echoed instead of `null`.
    public var numericID: Int64?

    public init(id: String?, error: JSONRPCError, numericID: Int64? = nil) {
        self.id = id
        self.error = error
        self.numericID = numericID
    }

    public var response: JSONRPCResponse {
        var response = JSONRPCResponse.error(id: id, error)
        response.numericID = numericID
        return response
    }
}

/// A callback (seed 002 §5.2.2): `{"jsonrpc":"2.0","dwapiversion":"1.0","id":"<unique>","callbackId":"<topic>",
/// "result":{…}}`. Each callback needs its own id, even for the same topic (seed 002 §5.4.1.2).
public struct JSONRPCCallback: Sendable, Equatable {
    public var id: String
    /// The topic: "printer.status", "job.progress", …
    public var callbackId: String
    public var outcome: JSONRPCOutcome

    public init(id: String, callbackId: String, outcome: JSONRPCOutcome) {
        self.id = id
        self.callbackId = callbackId
        self.outcome = outcome
    }

    public init(id: String, callbackId: String, result: JSONValue) {
        self.init(id: id, callbackId: callbackId, outcome: .result(result))
    }

    public func encode(into writer: inout JSONWriter) throws(JSONEncodingError) {
        writer.writeRaw(#"{"jsonrpc":"2.0","dwapiversion":"1.0","id":"#)
        writer.writeString(id)
        writer.writeRaw(#","callbackId":"#)
        writer.writeString(callbackId)
        try writeOutcome(outcome, into: &writer)
        writer.writeRaw("}")
    }

    public func encoded() throws(JSONEncodingError) -> [UInt8] {
        var writer = JSONWriter()
        try encode(into: &writer)
        return writer.bytes
    }
}

/// `,"result":…` or `,"error":{"code":…,"message":…[,"data":…]}`.
private func writeOutcome(_ outcome: JSONRPCOutcome, into writer: inout JSONWriter) throws(JSONEncodingError) {
    switch outcome {
    case let .result(result):
        writer.writeRaw(#","result":"#)
        try writer.write(result)
    case let .error(error):
        writer.writeRaw(#","error":{"code":"#)
        writer.writeInteger(Int64(error.code))
        writer.writeRaw(#","message":"#)
        writer.writeString(error.message)
        if let data = error.data {
            writer.writeRaw(#","data":"#)
            try writer.write(data)
        }
        writer.writeRaw("}")
    }
}
