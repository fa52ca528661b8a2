import Digest
import Foundation
import Logging

/// The paired clients of this agent, persisted as hashes in `<state directory>/tokens.json`.
///
/// A `final class` with locks rather than an actor: `verify` runs on every authenticated request and is
/// synchronous work (a hash and a scan of a handful of records), so request handlers and the `3dp-agent pair`
/// command can call it without a hop to another executor. Two locks keep the hot path off the disk: `stateLock`
/// guards the records and is never held across I/O; `writeLock` serialises this process's writes and reloads (a
/// write snapshots under `stateLock`, does its fsyncs holding only `writeLock`, then applies the change under
/// `stateLock` again), and `tokens.lock` (flock) does the same across processes.
public final class AccessTokenStore: @unchecked Sendable {
    /// Persist last-used times at most this often, so a busy client does not turn every request into an fsync.
    public static let lastUsedPersistInterval: TimeInterval = 60

    public let fileURL: URL
    private let io: TokenFileIO
    private let random: any RandomByteSource
    private let logger: Logger

    private let stateLock = NSLock()
    private let writeLock = NSLock()
    // Guarded by stateLock.
    private var records: [TokenRecord]
    private var loadedIdentity: TokenFileIdentity?
    /// A version on disk that failed to load: it is reported once, and every write refuses to replace it.
    private var corruptIdentity: TokenFileIdentity?
    private var usageGeneration = 0
    private var persistedUsageGeneration = 0
    private var lastUsageFlush: Date?

    /// Loads `tokens.json` from `directory` (created owner-only when missing). A file that cannot be understood
    /// throws `AccessTokenStoreError.corruptFile` instead of being taken as empty.
    public init(
        directory: URL,
        random: any RandomByteSource = KernelRandom(),
        logger: Logger = Logger(label: "3dp-agent.pairing.tokens")
    ) throws(AccessTokenStoreError) {
        let io = TokenFileIO(directory: directory.path)
        self.io = io
        self.fileURL = URL(fileURLWithPath: io.path)
        self.random = random
        self.logger = logger
        try io.prepareDirectory()
        if let (data, identity) = try io.read() {
            records = try TokenFileFormat.decode(data, path: io.path)
            loadedIdentity = identity
        } else {
            records = []
        }
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
        var id = HexEncoding.lowercase(idBytes)
        let created = TokenRecord.storedInstant(now)
        try mutateAndPersist { records in
            // 32-bit ids collide only among tens of thousands of clients; lengthen rather than fail if one does.
            var counter = 0
            while records.contains(where: { $0.id == id }) {
                counter += 1
                id = HexEncoding.lowercase(idBytes) + String(counter, radix: 16)
            }
            records.append(TokenRecord(
                id: id, label: TokenRecord.cleanLabel(label), tokenSHA256: hash, createdAt: created))
            return true
        }
        return (id, token.value)
    }

    /// The record of the presented token, or nil when it is not one this agent issued (or was revoked).
    public func verify(token presented: String, now: Date) -> TokenRecord? {
        let token = AccessToken(value: presented)
        guard token.isWellFormed else { return nil }
        let hash = token.sha256Hex()
        refreshIfChangedOnDisk()
        let (record, flushDue): (TokenRecord?, Bool) = stateLock.withLock {
            var match: Int?
            // Every record is compared, so the time does not depend on where (or whether) the token is found.
            for index in records.indices where ConstantTime.equal(records[index].tokenSHA256, hash) {
                match = index
            }
            guard let index = match else { return (nil, false) }
            records[index].lastUsedAt = TokenRecord.storedInstant(now)
            usageGeneration += 1
            let due = lastUsageFlush.map { abs(now.timeIntervalSince($0)) >= Self.lastUsedPersistInterval } ?? true
            if due { lastUsageFlush = now }
            return (records[index], due)
        }
        if flushDue { persistUsageIfIdle() }
        return record
    }

    /// Whether `id` is still a paired client: what a lasting session asks before each message, so that a revoke by
    /// another process counts at once (one stat when the file did not change).
    public func isPaired(id: String) -> Bool {
        refreshIfChangedOnDisk()
        return stateLock.withLock { records.contains { $0.id == id } }
    }

    /// The ids of the paired clients as the file on disk has them now, waiting for a write under way in this
    /// process rather than skipping the reload (the revocation watch calls it off the request path).
    public func currentClientIDs() -> Set<String> {
        writeLock.withLock {
            do {
                try reloadIfChanged()
            } catch {
                logger.error("could not reload the access token file; keeping the tokens in memory",
                             metadata: ["error": "\(error)"])
            }
        }
        return stateLock.withLock { Set(records.map(\.id)) }
    }

    /// Every paired client, oldest first.
    public func list() -> [TokenRecord] {
        refreshIfChangedOnDisk()
        return stateLock.withLock { records }.sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
    }

    /// Forgets a client; its token stops working at once. False when there is no such id.
    @discardableResult
    public func revoke(id: String) throws(AccessTokenStoreError) -> Bool {
        var found = false
        try mutateAndPersist { records in
            let before = records.count
            records.removeAll { $0.id == id }
            found = records.count != before
            return found
        }
        return found
    }

    /// Writes last-used times not yet on disk (call on shutdown).
    public func flush() throws(AccessTokenStoreError) {
        let dirty = stateLock.withLock { usageGeneration != persistedUsageGeneration }
        guard dirty else { return }
        try mutateAndPersist { _ in true }
    }

    // MARK: - Persistence

    /// Applies `change` to a snapshot, writes it, and only then to the live records: a failed write leaves memory
    /// as it was, so a token is never usable now yet gone after a restart. `change` returns false for "nothing to
    /// write"; it may run twice (snapshot, then live records) and must give the same answer both times.
    private func mutateAndPersist(
        wait: Bool = true, _ change: (inout [TokenRecord]) -> Bool
    ) throws(AccessTokenStoreError) {
        writeLock.lock()
        defer { writeLock.unlock() }
        try persist(wait: wait, change)
    }

    /// `mutateAndPersist` for a caller that already holds `writeLock`.
    private func persist(
        wait: Bool, _ change: (inout [TokenRecord]) -> Bool
    ) throws(AccessTokenStoreError) {
        _ = try io.withExclusiveLock(wait: wait) { () throws(AccessTokenStoreError) in
            try reloadIfChanged()
            let (snapshot, generation, changed) = stateLock.withLock {
                var copy = records
                let changed = change(&copy)
                return (copy, usageGeneration, changed)
            }
            guard changed else { return }
            let identity = try io.write(try TokenFileFormat.encode(snapshot))
            stateLock.withLock {
                _ = change(&records)
                loadedIdentity = identity
                persistedUsageGeneration = max(persistedUsageGeneration, generation)
            }
        }
    }

    /// Best effort from the request path: skipped when another write is under way (it will not be long until the
    /// next chance, and `flush()` on shutdown catches the rest); a failure is logged, never thrown at a client.
    private func persistUsageIfIdle() {
        guard writeLock.try() else { return }
        defer { writeLock.unlock() }
        do {
            try persist(wait: false) { _ in true }
        } catch {
            logger.warning("could not save token last-used times", metadata: ["error": "\(error)"])
        }
    }

    /// Picks up a file another process wrote (`3dp-agent pair --revoke` while the daemon runs): one stat per call.
    private func refreshIfChangedOnDisk() {
        let onDisk: TokenFileIdentity?
        do {
            onDisk = try io.currentIdentity()
        } catch {
            logger.warning("could not check the access token file", metadata: ["error": "\(error)"])
            return
        }
        let (loaded, corrupt) = stateLock.withLock { (loadedIdentity, corruptIdentity) }
        guard onDisk != loaded, onDisk == nil || onDisk != corrupt else { return }
        // Busy means this process is writing, and every write reloads first: no need to wait for its fsyncs.
        guard writeLock.try() else { return }
        defer { writeLock.unlock() }
        do {
            try reloadIfChanged()
        } catch {
            logger.error("could not reload the access token file; keeping the tokens in memory",
                         metadata: ["error": "\(error)"])
        }
    }

    /// Caller holds `writeLock`. Membership comes from the disk (that is how a revoke elsewhere lands); last-used
    /// times keep whichever is newer.
    private func reloadIfChanged() throws(AccessTokenStoreError) {
        let loaded = stateLock.withLock { loadedIdentity }
        guard try io.currentIdentity() != loaded else { return }
        guard let (data, identity) = try io.read() else {
            stateLock.withLock {
                records = []
                loadedIdentity = nil
            }
            return
        }
        let decoded: [TokenRecord]
        do {
            decoded = try TokenFileFormat.decode(data, path: io.path)
        } catch {
            // Not taken as loaded, so writes keep failing on it; remembered so requests log it only once.
            stateLock.withLock { corruptIdentity = identity }
            throw error
        }
        stateLock.withLock {
            let lastUsed = Dictionary(records.map { ($0.id, $0.lastUsedAt) }, uniquingKeysWith: { first, _ in first })
            records = decoded.map { record in
                var merged = record
                if let memory = lastUsed[record.id] ?? nil, memory > (record.lastUsedAt ?? .distantPast) {
                    merged.lastUsedAt = memory
                }
                return merged
            }
            loadedIdentity = identity
            corruptIdentity = nil
        }
    }
}
