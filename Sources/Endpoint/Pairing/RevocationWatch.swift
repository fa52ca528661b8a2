import Logging

/// Ends the open sessions of a revoked Manager. Revoking is `3dp-agent pair --revoke ID`, another process that only
/// deletes the client's row in the agent's database; so the daemon watches the database's files and, on every
/// change, ends whatever belongs to a client the database no longer lists: its WebSockets close with 1008 and the
/// reason, its subscriptions go (no more callbacks), and a long poll waiting on one answers 0xF0000002 at once. A
/// revoke in this process writes the same files and is handled the same way. (Between the revoke and the close,
/// the dispatcher's per-message check already refuses the session's requests.)
public struct RevocationWatch: Sendable {
    public static let reason = "the access token was revoked"

    let tokens: AccessTokenStore
    let hub: EventHub
    let logger: Logger
    var watch: DatabaseFileWatch

    public init(tokens: AccessTokenStore, hub: EventHub, logger: Logger, fallbackInterval: Duration = .seconds(5)) {
        self.tokens = tokens
        self.hub = hub
        self.logger = logger
        watch = DatabaseFileWatch(databasePath: tokens.database.path, fallbackInterval: fallbackInterval)
    }

    /// Runs until the task is cancelled (which ends the stream, and its termination ends the watch thread).
    public func run() async {
        await run(changes: watch.changes())
    }

    func run(changes: AsyncStream<Void>) async {
        for await _ in changes { endRevokedClients() }
    }

    /// One look: ends what belongs to clients the database no longer lists. Returns how many sessions ended; none
    /// when the database cannot be read (a failed read must not end everyone's sessions).
    @discardableResult
    public func endRevokedClients() -> Int {
        let active = hub.activeClientIDs
        guard !active.isEmpty, let paired = tokens.currentClientIDs() else { return 0 }
        let revoked = active.subtracting(paired)
        guard !revoked.isEmpty else { return 0 }
        let ended = hub.endClients(where: { revoked.contains($0) }, reason: Self.reason)
        for client in revoked.sorted() {
            logger.notice("ended the sessions of revoked client \(client)", metadata: ["client": "\(client)"])
        }
        return ended
    }
}
