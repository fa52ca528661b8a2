/// One JSON-RPC message in, one out: decoding with the limits, the access check, the method call, and the
/// encoding, for single requests and batches alike. HTTP and WebSocket hand it bytes and write back what it
/// returns, so every error path is the same on both.
public struct RPCDispatcher: Sendable {
    public let methods: MethodTable
    public let limits: JSONRPCLimits

    public init(methods: MethodTable, limits: JSONRPCLimits = .default) {
        self.methods = methods
        self.limits = limits
    }

    /// The encoded answer to `message`: a response, or for a batch an array of responses in request order.
    public func respond(to message: some Collection<UInt8>, caller: RPCCaller) async -> [UInt8] {
        switch JSONRPCIncoming.decode(message, limits: limits) {
        case .invalid(let refusal):
            return refusal.response.encodedOrInternalError()
        case .single(let decoded):
            return await answer(decoded, caller: caller).encodedOrInternalError()
        case .batch(let elements):
            var responses: [JSONRPCResponse] = []
            responses.reserveCapacity(elements.count)
            for element in elements { responses.append(await answer(element, caller: caller)) }
            return JSONRPCResponse.encodeBatchOrInternalErrors(responses)
        }
    }

    func answer(_ decoded: Result<JSONRPCRequest, JSONRPCErrorResponse>, caller: RPCCaller) async -> JSONRPCResponse {
        switch decoded {
        case .failure(let refusal): return refusal.response
        case .success(let request): return await call(request, caller: caller)
        }
    }

    /// Calls the method when the caller may; the reasons it may not are told apart so that a plug-in knows
    /// whether to pair (no token) or to pair again (a token that no longer counts).
    public func call(_ request: JSONRPCRequest, caller: RPCCaller) async -> JSONRPCResponse {
        guard let entry = methods.entries[request.method] else {
            return .error(id: request.id, .methodNotFound(request.method))
        }
        if entry.access == .paired {
            switch caller.credential {
            case .paired: break
            case .none:
                return .error(id: request.id, .privilegeNotGranted(.string("\(request.method) needs an access token from pairing")))
            case .rejected:
                return .error(id: request.id, .authenticationFailed(.string("the access token is unknown or revoked; pair again")))
            }
        }
        do {
            return .result(id: request.id, try await entry.handler(request, caller))
        } catch let error as JSONRPCError {
            return .error(id: request.id, error)
        } catch {
            return .error(id: request.id, .internalError("\(request.method) failed: \(error)"))
        }
    }
}
