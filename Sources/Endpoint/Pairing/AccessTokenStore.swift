import Digest
import Foundation
import Jobs
import Logging
import Synchronization

/// The Managers paired with this agent, kept as hashes in the agent's database (`JobStore`: the SQLite file that
/// holds the queue). The daemon and `3dp-agent pair` (another process) write it through SQLite's transactions, and
/// every check reads it, so a revoke by the other process counts at the next request.
///
/// A `final class` rather than an actor: `verify` runs on every authenticated request and is synchronous work (one
/// read of a handful of rows and a hash), so request handlers call it without a hop to another executor. Last-used
/// times are kept here and written at most once a minute, so a busy client does not turn every request into a
/// write.
public final class AccessTokenStore: Sendable {
    /// Persist last-used times at most this often.
    public static let lastUsedPersistInterval: TimeInterval = 60
    static let maximumLabelLength = 64

    /// The agent's database; the store is one view of it.
    public let database: JobStore
    private let random: any RandomByteSource
    private let logger: Logger
    private let usage = Mutex(Usage())

    /// Last-used times seen since the last write, and when that write was.
    private struct Usage {
        var pending: [String: Date] = [:]
        var lastWrite: Date?
    }

    /// A store over `database`. With `stateDirectory`, the clients of an older agent's `tokens.json` there are
    /// imported first (once: the file is then renamed `tokens.json.migrated`); a file that cannot be understood
    /// throws `AccessTokenStoreError.corruptFile` instead of being taken as empty.
    public init(
        database: JobStore,
        importingFrom stateDirectory: URL? = nil,
        random: any RandomByteSource = KernelRandom(),
        logger: Logger = Logger(label: "3dp-agent.pairing.tokens")
    ) throws(AccessTokenStoreError) {
        self.database = database
        self.random = random
        self.logger = logger
        if let stateDirectory {
            try TokenFileImport.run(directory: stateDirectory.path, into: database, logger: logger)
        }
    }

    /// Opens the agent's database in `directory` (the directory is created owner-only when missing), as
    /// `3dp-agent pair` does beside a running daemon, and imports an older agent's `tokens.json`. A database that
    /// cannot be read is an error here: keeping it aside is for the daemon's start, not for a command beside it.
    public convenience init(
        directory: URL,
        random: any RandomByteSource = KernelRandom(),
        logger: Logger = Logger(label: "3dp-agent.pairing.tokens")
    ) throws(AccessTokenStoreError) {
        try TokenFileImport.prepareDirectory(directory.path)
        let database: JobStore
        do {
            database = try JobStore.open(path: directory.appendingPathComponent(JobStore.fileName).path,
                                         keepingAsideWhenUnreadable: false)
        } catch {
            throw .database(error)
        }
        try self.init(database: database, importingFrom: directory, random: random, logger: logger)
    }

    /// Issues a token for a client that has just paired. The token is returned once and never stored.
    public func issue(label: String, now: Date) throws(AccessTokenStoreError) -> (id: String, token: String) {
        let token: AccessToken
        let hash: String
        let idBytes: [UInt8]
        do {
            token = try AccessToken.generate(random: random)
            idBytes = try random.randomBytes(count: 4)
        } catch {
            throw .randomnessUnavailable
        }
        hash = token.sha256Hex()
        do {
            let id = try database.addPairedClient(proposedID: HexEncoding.lowercase(idBytes), label: Self.cleanLabel(label),
                                                  tokenSHA256: hash, createdAt: TokenRecord.storedInstant(now))
            return (id, token.value)
        } catch {
            throw .database(error)
        }
    }

    /// The record of the presented token, or nil when it is not one this agent issued (or was revoked). A database
    /// that cannot be read refuses the token (and says so in the log): a revoked client must never get through.
    public func verify(token presented: String, now: Date) -> TokenRecord? {
        let token = AccessToken(value: presented)
        guard token.isWellFormed else { return nil }
        let hash = token.sha256Hex()
        let records: [TokenRecord]
        do {
            records = try database.pairedClients()
        } catch {
            logger.error("could not read the paired clients; the token is refused", metadata: ["error": "\(error)"])
            return nil
        }
        var match: TokenRecord?
        // Every record is compared, so the time does not depend on where (or whether) the token is found.
        for record in records where ConstantTime.equal(record.tokenSHA256, hash) {
            match = record
        }
        guard var record = match else { return nil }
        let used = TokenRecord.storedInstant(now)
        record.lastUsedAt = used
        let due = usage.withLock { usage in
            usage.pending[record.id] = used
            let due = usage.lastWrite.map { abs(now.timeIntervalSince($0)) >= Self.lastUsedPersistInterval } ?? true
            if due { usage.lastWrite = now }
            return due
        }
        if due {
            do {
                try writeUsage()
            } catch {
                logger.warning("could not save token last-used times", metadata: ["error": "\(error)"])
            }
        }
        return record
    }

    /// Whether `id` is still a paired client: what a lasting session asks before each message, so that a revoke by
    /// another process counts at once. A database that cannot be read answers no, as `verify` does.
    public func isPaired(id: String) -> Bool {
        do {
            return try database.isPaired(id: id)
        } catch {
            logger.error("could not read the paired clients; the session is refused", metadata: ["error": "\(error)"])
            return false
        }
    }

    /// The ids of the paired clients as the database has them now (the revocation watch asks, off the request
    /// path); nil when it cannot be read, so that a failed read ends nobody's session.
    public func currentClientIDs() -> Set<String>? {
        do {
            return try database.pairedClientIDs()
        } catch {
            logger.error("could not read the paired clients", metadata: ["error": "\(error)"])
            return nil
        }
    }

    /// Every paired client, oldest first, with the last uses not written yet.
    public func list() throws(AccessTokenStoreError) -> [TokenRecord] {
        let records: [TokenRecord]
        do {
            records = try database.pairedClients()
        } catch {
            throw .database(error)
        }
        let pending = usage.withLock { $0.pending }
        return records.map { record in
            var merged = record
            if let used = pending[record.id], used > (record.lastUsedAt ?? .distantPast) { merged.lastUsedAt = used }
            return merged
        }
    }

    /// Forgets a client; its token stops working at once, in every process. False when there is no such id.
    @discardableResult
    public func revoke(id: String) throws(AccessTokenStoreError) -> Bool {
        do {
            return try database.removePairedClient(id: id)
        } catch {
            throw .database(error)
        }
    }

    /// Writes last-used times not yet in the database (call on shutdown); nothing when none are pending.
    public func flush() throws(AccessTokenStoreError) {
        try writeUsage()
    }

    /// Takes the pending times and writes them; on a failure they are put back (unless newer ones came meanwhile),
    /// for the next write or `flush()`.
    private func writeUsage() throws(AccessTokenStoreError) {
        let pending = usage.withLock { usage in
            defer { usage.pending = [:] }
            return usage.pending
        }
        guard !pending.isEmpty else { return }
        do {
            try database.recordUse(pending)
        } catch {
            usage.withLock { usage in usage.pending.merge(pending) { newer, _ in newer } }
            throw .database(error)
        }
    }

    /// Labels come from the network and end up on the owner's terminal: control characters (escape sequences)
    /// become spaces, runs of space collapse, and the length is capped.
    static func cleanLabel(_ raw: String) -> String {
        let visible = raw.unicodeScalars.map { scalar -> Character in
            scalar.properties.generalCategory == .control || scalar.properties.generalCategory == .format
                ? " " : Character(scalar)
        }
        let words = String(visible).split(whereSeparator: \.isWhitespace)
        let cleaned = String(words.joined(separator: " ").prefix(maximumLabelLength))
        return cleaned.isEmpty ? "unnamed client" : cleaned
    }
}
