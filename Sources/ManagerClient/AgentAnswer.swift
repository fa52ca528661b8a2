import ThreeDPProtocol

/// Reads what the agent sent back, with the same strictness on both transports: a 3DP-1 message
/// (`JSONRPCServerMessage.decode` checks the version members), the response to the request that was sent, and
/// its error turned into an `AgentError`.
enum AgentAnswer {
    /// Answers may be larger than requests (a long queue, many callbacks in one poll), so the client accepts
    /// more than the agent's 1 MiB request limit.
    static let limits = JSONRPCLimits(maxMessageBytes: 16 << 20, maxDepth: 64)

    static func messages(_ bytes: some Collection<UInt8>, from url: AgentURL) throws(AgentConnectionError) -> [JSONRPCServerMessage] {
        do {
            return try JSONRPCServerMessage.decode(bytes, limits: limits)
        } catch {
            throw .malformedAnswer(url, reason: error.reason)
        }
    }

    /// The result of the response to request `id`. A null id is accepted on an error: the agent sends it when it
    /// could not read the request's id, and it is still the answer to the one request outstanding.
    static func result(of response: JSONRPCResponse, id: String, from url: AgentURL) throws -> JSONValue {
        guard response.id == id || (response.id == nil && response.isError) else {
            throw AgentConnectionError.malformedAnswer(
                url, reason: "the answer's id \(response.id.map { "\"\($0)\"" } ?? "null") is not the request's \"\(id)\"")
        }
        switch response.outcome {
        case .result(let result): return result
        case .error(let error): throw AgentError(error)
        }
    }

    /// The single response an HTTP answer must be.
    static func result(ofHTTPBody bytes: some Collection<UInt8>, id: String, from url: AgentURL) throws -> JSONValue {
        let decoded = try messages(bytes, from: url)
        guard decoded.count == 1, case .response(let response) = decoded[0] else {
            throw AgentConnectionError.malformedAnswer(url, reason: "expected one response, got \(describe(decoded))")
        }
        return try result(of: response, id: id, from: url)
    }

    /// The callbacks of an `events.poll` result: each element is a whole callback message.
    static func callbacks(inPollResult result: JSONValue, from url: AgentURL) throws(AgentConnectionError) -> [AgentCallback] {
        guard let elements = result["callbacks"]?.arrayValue else {
            throw .malformedAnswer(url, reason: #"the events.poll result has no "callbacks" array"#)
        }
        var callbacks: [AgentCallback] = []
        callbacks.reserveCapacity(elements.count)
        for element in elements {
            var writer = JSONWriter()
            do {
                try writer.write(element)
            } catch {
                throw .malformedAnswer(url, reason: error.reason)
            }
            let decoded = try messages(writer.bytes, from: url)
            guard decoded.count == 1, case .callback(let callback) = decoded[0] else {
                throw .malformedAnswer(url, reason: "an element of \"callbacks\" is not a callback message")
            }
            callbacks.append(AgentCallback(callback))
        }
        return callbacks
    }

    static func describe(_ messages: [JSONRPCServerMessage]) -> String {
        if messages.count != 1 { return "\(messages.count) messages" }
        if case .callback(let callback) = messages[0] { return "a \(callback.callbackId) callback" }
        return "a response"
    }
}

extension JSONRPCResponse {
    fileprivate var isError: Bool {
        if case .error = outcome { return true }
        return false
    }
}
