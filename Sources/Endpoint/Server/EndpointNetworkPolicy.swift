/// How much of the board's network resources the endpoint gives to anyone who connects, before they have proved
/// anything (issue 14, finding 3). Every connection costs a file descriptor; these bounds keep a flood of idle,
/// slow or hostile connections from taking them all, and the Managers' own requests answered meanwhile.
public struct EndpointNetworkPolicy: Sendable, Equatable {
    /// Connections held at once from all addresses; at the cap an idle one (no request sent yet) of the address
    /// holding the most is closed to make room for a newcomer from a lighter address (`[endpoint] max_connections`).
    public var maxConnections: Int
    /// Connections held at once from one client address (`[endpoint] max_connections_per_address`).
    public var maxConnectionsPerAddress: Int
    /// A connection must have sent its whole first request head this soon after opening (slowloris).
    public var requestHeadTimeout: Duration
    /// A request's body must have arrived whole this soon after its head (a body sent a byte at a time).
    public var requestBodyTimeout: Duration
    /// A kept-alive connection with no request under way is closed after this long; the next head must be whole
    /// by then.
    public var keepAliveTimeout: Duration
    /// A WebSocket must have authenticated (`session.authenticate`) this soon after opening.
    public var webSocketAuthenticationTimeout: Duration
    /// Web origins, besides the agent's own, whose pages may call the endpoint from a browser
    /// (`[endpoint] allowed_origins`); a request without `Origin` (not from a browser) is always allowed.
    public var allowedOrigins: [String]

    public init(maxConnections: Int = 256, maxConnectionsPerAddress: Int = 32,
                requestHeadTimeout: Duration = .seconds(10), requestBodyTimeout: Duration = .seconds(30),
                keepAliveTimeout: Duration = .seconds(15), webSocketAuthenticationTimeout: Duration = .seconds(5),
                allowedOrigins: [String] = []) {
        self.maxConnections = maxConnections
        self.maxConnectionsPerAddress = maxConnectionsPerAddress
        self.requestHeadTimeout = requestHeadTimeout
        self.requestBodyTimeout = requestBodyTimeout
        self.keepAliveTimeout = keepAliveTimeout
        self.webSocketAuthenticationTimeout = webSocketAuthenticationTimeout
        self.allowedOrigins = allowedOrigins
    }

    public static let `default` = EndpointNetworkPolicy()
}
