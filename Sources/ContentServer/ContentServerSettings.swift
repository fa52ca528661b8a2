import Foundation

/// How a reference content server runs: what it serves, where, to whom, and which faults it injects.
public struct ContentServerSettings: Sendable {
    /// The directory whose files are the contents.
    public var root: String
    public var host: String
    /// 0 picks any free port; `RunningContentServer.port` tells which.
    public var port: Int
    /// Guards the token and fault routes; never logged.
    public var adminKey: String
    public var tokenLifetime: Duration
    /// The origin put into selection URIs; by default the scheme and the bound host and port.
    public var publicURL: String?
    public var tls: (certificatePath: String, keyPath: String)?
    public var faults: ContentFaults
    /// The wall clock tokens expire by; tests move it forward to make a token expire.
    public var now: @Sendable () -> Date

    public init(root: String, host: String = "127.0.0.1", port: Int = 8632, adminKey: String,
                tokenLifetime: Duration = .seconds(900), publicURL: String? = nil,
                tls: (certificatePath: String, keyPath: String)? = nil, faults: ContentFaults = .none,
                now: @escaping @Sendable () -> Date = { Date() }) {
        self.root = root
        self.host = host
        self.port = port
        self.adminKey = adminKey
        self.tokenLifetime = tokenLifetime
        self.publicURL = publicURL
        self.tls = tls
        self.faults = faults
        self.now = now
    }
}
