import ThreeDPProtocol
/// Who is calling, as the transport established it: a Bearer token on HTTP, `session.authenticate` on a
/// WebSocket. The dispatcher decides from it alone; the transports never look at methods.
public struct RPCCaller: Sendable, Equatable {
    public enum Credential: Sendable, Equatable {
        /// No token presented.
        case none
        /// A token the store knows; `clientID` is its record's id.
        case paired(clientID: String)
        /// A token was presented but is unknown, revoked or malformed.
        case rejected
    }

    public var credential: Credential
    /// Where callbacks go on a lasting connection (a WebSocket); nil on HTTP, where `events.poll` fetches them.
    public var mailbox: CallbackMailbox?
    /// The peer's IP address, as the transport saw it: what the pairing lock counts wrong codes by.
    public var clientAddress: String?

    public init(credential: Credential, mailbox: CallbackMailbox? = nil, clientAddress: String? = nil) {
        self.credential = credential
        self.mailbox = mailbox
        self.clientAddress = clientAddress
    }

    /// The paired client's id, when there is one.
    public var clientID: String? {
        if case .paired(let id) = credential { return id }
        return nil
    }

    public static let anonymous = RPCCaller(credential: .none)
}

/// The 3DP-1 methods by name, each open to anyone (discovery, pairing, `agent.time`) or to paired clients only.
public struct MethodTable: Sendable {
    /// A handler returns the `result`; it throws a `JSONRPCError` to answer with that error, and anything else
    /// becomes an internal error (-32603).
    public typealias Handler = @Sendable (JSONRPCRequest, RPCCaller) async throws -> JSONValue

    public enum Access: Sendable, Equatable {
        case open
        case paired
    }

    struct Entry: Sendable {
        var access: Access
        var handler: Handler
    }

    private(set) var entries: [String: Entry] = [:]

    public init() {}

    public mutating func register(_ method: String, access: Access = .paired, _ handler: @escaping Handler) {
        precondition(entries[method] == nil, "\(method) is registered twice")
        entries[method] = Entry(access: access, handler: handler)
    }

    public var methodNames: [String] { entries.keys.sorted() }

    public func access(of method: String) -> Access? { entries[method]?.access }
}
