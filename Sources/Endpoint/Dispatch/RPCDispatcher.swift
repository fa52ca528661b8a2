import ThreeDPProtocol
/// One JSON-RPC message in, one out: decoding with the limits, the access check, the method call, and the
/// encoding, for single requests and batches alike. HTTP and WebSocket hand it bytes and write back what it
/// returns, so every error path is the same on both.
public struct RPCDispatcher: Sendable {
    /// Checks a presented access token (the token store's `verify`).
    public typealias Authenticator = @Sendable (String) -> RPCCaller.Credential

    /// Whether a client id still has its pairing (the token store's `isPaired`).
    public typealias PairingCheck = @Sendable (String) -> Bool

    public let methods: MethodTable
    public let limits: JSONRPCLimits
    private let authenticate: Authenticator
    private let stillPaired: PairingCheck

    /// - Parameter stillPaired: asked before every message of a lasting session, so that a WebSocket authenticated
    ///   before its client was revoked (by `3dp-agent pair --revoke`, another process) runs nothing more, even
    ///   before the revocation watch has closed it.
    public init(methods: MethodTable, limits: JSONRPCLimits = .default,
                authenticate: @escaping Authenticator = { _ in .rejected },
                stillPaired: @escaping PairingCheck = { _ in true }) {
        self.methods = methods
        self.limits = limits
        self.stillPaired = stillPaired
        self.authenticate = authenticate
    }

    /// The caller of an HTTP request: its `Authorization: Bearer <token>` header, if any.
    public func caller(authorization: String?) -> RPCCaller {
        guard let authorization else { return .anonymous }
        let parts = authorization.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return RPCCaller(credential: .rejected) }
        return RPCCaller(credential: authenticate(String(parts[1])))
    }

    /// The encoded answer to `message`: a response, or for a batch an array of responses in request order.
    public func respond(to message: some Collection<UInt8>, caller: RPCCaller) async -> [UInt8] {
        var session = caller
        return await respond(to: message, session: &session)
    }

    /// What HTTP sends back: the answer, or nothing at all (`204 No Content`) when a single `events.poll` found
    /// no callbacks before its timeout (the long-polling binding of seed 002).
    public enum HTTPAnswer: Sendable, Equatable {
        case message([UInt8])
        case noContent
    }

    public func respondOverHTTP(to message: some Collection<UInt8>, caller: RPCCaller) async -> HTTPAnswer {
        let incoming = JSONRPCIncoming.decode(message, limits: limits)
        if case .single(.success(let request)) = incoming, request.method != ThreeDPTransport.authenticateMethod {
            let (response, noContent) = await callNoticingEmptyPoll(request, caller: caller)
            return noContent ? .noContent : .message(response.encodedOrInternalError())
        }
        var session = caller
        return .message(await respond(to: incoming, session: &session))
    }

    /// The same for a session that lasts (a WebSocket): `session.authenticate` changes who the caller is for
    /// the messages that follow (7.2.3 steps 9–10).
    public func respond(to message: some Collection<UInt8>, session: inout RPCCaller) async -> [UInt8] {
        await respond(to: JSONRPCIncoming.decode(message, limits: limits), session: &session)
    }

    private func respond(to incoming: JSONRPCIncoming, session: inout RPCCaller) async -> [UInt8] {
        switch incoming {
        case .invalid(let refusal):
            return refusal.response.encodedOrInternalError()
        case .single(let decoded):
            return await answer(decoded, session: &session).encodedOrInternalError()
        case .batch(let elements):
            var responses: [JSONRPCResponse] = []
            responses.reserveCapacity(elements.count)
            for element in elements { responses.append(await answer(element, session: &session)) }
            return JSONRPCResponse.encodeBatchOrInternalErrors(responses)
        }
    }

    func answer(_ decoded: Result<JSONRPCRequest, JSONRPCErrorResponse>, session: inout RPCCaller) async -> JSONRPCResponse {
        if case .paired(let clientID) = session.credential, !stillPaired(clientID) { session.credential = .rejected }
        switch decoded {
        case .failure(let refusal):
            return refusal.response
        case .success(let request) where request.method == ThreeDPTransport.authenticateMethod:
            return authenticateSession(request, session: &session)
        case .success(let request):
            return await call(request, caller: session)
        }
    }

    private func authenticateSession(_ request: JSONRPCRequest, session: inout RPCCaller) -> JSONRPCResponse {
        let token: String
        do {
            token = try request.string("accessToken")
        } catch {
            return .error(id: request.id, error)
        }
        let credential = authenticate(token)
        guard case .paired(let clientID) = credential else {
            session.credential = .rejected
            return .error(id: request.id, .authenticationFailed(.string("the access token is unknown or revoked; pair again")))
        }
        session.credential = credential
        return .result(id: request.id, .object(["clientId": .string(clientID)]))
    }

    /// Calls the method when the caller may; the reasons it may not are told apart so that a plug-in knows
    /// whether to pair (no token) or to pair again (a token that no longer counts).
    public func call(_ request: JSONRPCRequest, caller: RPCCaller) async -> JSONRPCResponse {
        await callNoticingEmptyPoll(request, caller: caller).response
    }

    private func callNoticingEmptyPoll(_ request: JSONRPCRequest, caller: RPCCaller) async -> (response: JSONRPCResponse, noContent: Bool) {
        do {
            return (try await callEntry(request, caller: caller), false)
        } catch {
            // Within a batch or on a WebSocket an empty poll is an ordinary, empty result.
            return (.result(id: request.id, .object(["callbacks": .array([])])), true)
        }
    }

    private func callEntry(_ request: JSONRPCRequest, caller: RPCCaller) async throws(NoPendingCallbacks) -> JSONRPCResponse {
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
        } catch let error as NoPendingCallbacks {
            throw error
        } catch {
            return .error(id: request.id, .internalError("\(request.method) failed: \(error)"))
        }
    }
}

/// Thrown by `events.poll` when its timeout passed with no callback: HTTP answers `204 No Content`.
public struct NoPendingCallbacks: Error, Sendable {
    public init() {}
}
