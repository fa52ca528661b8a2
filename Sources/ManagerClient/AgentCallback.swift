import ThreeDPProtocol

/// A callback the agent pushed (DESIGN.md §4): a topic such as `printer.status` and its result object.
public struct AgentCallback: Sendable, Equatable {
    /// The message's own unique id.
    public var id: String
    /// The `callbackId`: the topic, e.g. `job.progress`.
    public var topic: String
    public var outcome: Result<JSONValue, AgentError>

    public init(id: String, topic: String, outcome: Result<JSONValue, AgentError>) {
        self.id = id
        self.topic = topic
        self.outcome = outcome
    }

    public init(id: String, topic: String, result: JSONValue) {
        self.init(id: id, topic: topic, outcome: .success(result))
    }

    init(_ callback: JSONRPCCallback) {
        switch callback.outcome {
        case .result(let result): self.init(id: callback.id, topic: callback.callbackId, result: result)
        case .error(let error): self.init(id: callback.id, topic: callback.callbackId, outcome: .failure(AgentError(error)))
        }
    }

    /// The result object; nil for a callback that carries an error.
    public var result: JSONValue? { try? outcome.get() }

    /// The whole message as the agent sent it, for `--json` output.
    public var message: JSONValue {
        var members: [String: JSONValue] = [
            "jsonrpc": .string(JSONRPCIncoming.jsonrpcVersion),
            "dwapiversion": .string(JSONRPCIncoming.dwapiVersion),
            "id": .string(id),
            "callbackId": .string(topic),
        ]
        switch outcome {
        case .success(let result):
            members["result"] = result
        case .failure(let error):
            var object: [String: JSONValue] = ["code": .integer(Int64(error.code)), "message": .string(error.message)]
            if let data = error.data { object["data"] = data }
            members["error"] = .object(object)
        }
        return .object(members)
    }
}
