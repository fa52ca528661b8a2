import Foundation
import GRDB

/// The agent's database: every job of every printer, the content tokens still needed, which queues wait for a
/// person, and the Managers paired with the agent (`JobStore+PairedClients`). SQLite in the state directory, so
/// that a crash or `kill -9` loses at most the progress of the last second: the jobs, their order and their part
/// files survive; and one file with SQLite's transactions for the daemon and `3dp-agent pair` beside it.
///
/// Built like GRDB's `AppDatabase`: over any `DatabaseWriter`, which the migrations bring up to date. The agent
/// always has one: a file for the daemon, in memory for tests and for `3dp-agent print`.
public final class JobStore: Sendable {
    /// The name of the database file in the state directory (it kept its name when the pairings moved in).
    public static let fileName = "queue.sqlite"

    private let database: any DatabaseWriter
    /// The database file; nil for a database in memory. Another process's commit shows as a write to it or its
    /// `-wal` (`RevocationWatch`).
    public let path: String?
    /// Finished jobs kept per printer; older ones are deleted as new ones finish.
    public let historyLimit: Int
    /// Set when the file found at start could not be read and was kept aside: the queue it held is lost, so every
    /// printer's queue is held until a person has looked (`PrinterService`).
    public let setAside: SetAsideDatabase?

    /// A store over `database`, migrated to the current schema: a queue database of an older agent keeps its jobs.
    public convenience init(_ database: any DatabaseWriter, historyLimit: Int = 1000) throws(JobStoreError) {
        try self.init(database: database, path: database.path == ":memory:" ? nil : database.path,
                      historyLimit: historyLimit)
    }

    private init(database: any DatabaseWriter, path: String?, historyLimit: Int,
                 setAside: SetAsideDatabase? = nil) throws(JobStoreError) {
        self.database = database
        self.path = path
        self.historyLimit = historyLimit
        self.setAside = setAside
        do {
            try JobStoreSchema.migrator.migrate(database)
        } catch {
            throw .failed("\(error)")
        }
    }

    /// Opens (creating when missing) the database file; only the agent's user may read it, since it holds
    /// content tokens until their downloads finish.
    ///
    /// A file that is there but cannot be read — empty (a power cut), not SQLite, corrupt — is never taken for a
    /// new queue: it is renamed `<path>.broken-<UTC time>`, a new database is made, and `setAside` says so. A file
    /// that cannot be opened at all (permissions, I/O errors) is an error: a new one would fail the same way. So is
    /// an unreadable file when `keepingAsideWhenUnreadable` is false: `3dp-agent pair` beside a running daemon must
    /// not move the daemon's database away.
    public static func open(path: String, historyLimit: Int = 1000, now: Date = Date(),
                            keepingAsideWhenUnreadable: Bool = true) throws(JobStoreError) -> JobStore {
        var found = FileManager.default.fileExists(atPath: path)
        var setAside: SetAsideDatabase?
        while true {
            do throws(OpenFailure) {
                return try openChecked(path: path, historyLimit: historyLimit, existed: found, setAside: setAside)
            } catch let failure {
                guard case .unreadable(let reason) = failure, setAside == nil, keepingAsideWhenUnreadable else {
                    throw failure.asStoreError(path)
                }
                let keptAs = try SetAsideDatabase.setAside(path, now: now)
                setAside = SetAsideDatabase(path: path, keptAs: keptAs, reason: reason)
                found = false
            }
        }
    }

    private enum OpenFailure: Error {
        case unreadable(String)
        case other(JobStoreError)

        func asStoreError(_ path: String) -> JobStoreError {
            switch self {
            case .unreadable(let reason): return .cannotOpen(path: path, reason: reason)
            case .other(let error): return error
            }
        }
    }

    private static func openChecked(path: String, historyLimit: Int, existed: Bool,
                                    setAside: SetAsideDatabase?) throws(OpenFailure) -> JobStore {
        // Checked before SQLite opens it: opening writes a header into an empty file, and the evidence would go.
        if existed, fileLength(path) == 0, (fileLength(path + "-wal") ?? 0) == 0 {
            throw .unreadable("the file is empty (0 bytes), as a power cut can leave it")
        }
        let descriptor = Foundation.open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw .other(.cannotOpen(path: path, reason: String(cString: strerror(errno)))) }
        fchmod(descriptor, 0o600)
        close(descriptor)
        let database: DatabaseQueue
        do {
            database = try DatabaseQueue(path: path, configuration: configuration())
            if existed {
                let check = try database.read { db in
                    (try String.fetchAll(db, sql: "PRAGMA quick_check"),
                     try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM sqlite_master WHERE name = 'job'") ?? 0)
                }
                guard check.0 == ["ok"] else { throw OpenFailure.unreadable("SQLite's check failed: \(check.0.prefix(3).joined(separator: "; "))") }
                guard check.1 == 1 else { throw OpenFailure.unreadable("the file holds no print queue") }
            }
        } catch let failure as OpenFailure {
            throw failure
        } catch let error as DatabaseError where [.SQLITE_NOTADB, .SQLITE_CORRUPT].contains(error.resultCode) {
            throw .unreadable("\(error.message ?? "\(error)")")
        } catch {
            throw .other(.cannotOpen(path: path, reason: "\(error)"))
        }
        do throws(JobStoreError) {
            return try JobStore(database: database, path: path, historyLimit: historyLimit, setAside: setAside)
        } catch {
            throw .other(error)
        }
    }

    private static func fileLength(_ path: String) -> Int64? {
        var status = stat()
        guard stat(path, &status) == 0 else { return nil }
        return Int64(status.st_size)
    }

    private static func configuration() -> Configuration {
        var configuration = Configuration()
        configuration.label = "3dp-agent.queue"
        configuration.busyMode = .timeout(5)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA journal_mode = WAL")
            // Durable at each checkpoint; a power cut may lose the last transactions but never corrupts.
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        return configuration
    }

    /// A store that lives as long as the process: for a printer served without a state directory.
    public static func inMemory(historyLimit: Int = 1000) throws(JobStoreError) -> JobStore {
        do {
            return try JobStore(try DatabaseQueue(), historyLimit: historyLimit)
        } catch let error as JobStoreError {
            throw error
        } catch {
            throw .failed("\(error)")
        }
    }

    // MARK: - Jobs

    /// Inserts the job, or updates every column of it but its token. A job that just finished may push the
    /// oldest finished job of its printer out of the history.
    public func save(_ job: PrintJob) throws(JobStoreError) {
        try write { db in
            let order = try Int64.fetchOne(db, sql: "SELECT queuedOrder FROM job WHERE id = ?", arguments: [job.id])
                ?? (try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(queuedOrder), 0) + 1 FROM job") ?? 1)
            try JobRecord(job, queuedOrder: order).upsert(db)
            if job.state.isFinished {
                try db.execute(sql: "UPDATE job SET token = NULL WHERE id = ?", arguments: [job.id])
                try pruneHistory(db, serviceId: job.serviceId)
            }
        }
    }

    /// Saves a new job with the token its content server gave for it.
    public func insert(_ job: PrintJob, token: String) throws(JobStoreError) {
        try save(job)
        try setToken(token, for: job.id)
    }

    public func setToken(_ token: String?, for jobId: String) throws(JobStoreError) {
        try write { db in
            try db.execute(sql: "UPDATE job SET token = ? WHERE id = ?", arguments: [token, jobId])
        }
    }

    public func token(for jobId: String) throws(JobStoreError) -> String? {
        try read { db in
            try String.fetchOne(db, sql: "SELECT token FROM job WHERE id = ?", arguments: [jobId])
        }
    }

    /// Takes a job out of the database altogether (`queue.remove`).
    public func delete(_ jobId: String) throws(JobStoreError) {
        try write { db in
            try db.execute(sql: "DELETE FROM job WHERE id = ?", arguments: [jobId])
        }
    }

    /// The id of every job in the database, of every printer, served now or not: what owns a file in the spool.
    public func allJobIds() throws(JobStoreError) -> Set<String> {
        try read { db in Set(try String.fetchAll(db, sql: "SELECT id FROM job")) }
    }

    /// Every job of a printer still in the database, in queue order.
    public func jobs(serviceId: String) throws(JobStoreError) -> [PrintJob] {
        let records = try read { db in
            try JobRecord.filter(Column("serviceId") == serviceId).order(Column("queuedOrder")).fetchAll(db)
        }
        var jobs: [PrintJob] = []
        for record in records { jobs.append(try record.job()) }
        return jobs
    }

    /// Finished jobs, newest first: of one printer or of all, at most `limit`, older than `before` when given.
    public func history(serviceId: String?, limit: Int, before: Date? = nil) throws(JobStoreError) -> [PrintJob] {
        let finished = PrintJobState.allCases.filter(\.isFinished).map(\.rawValue)
        let records = try read { db in
            var request = JobRecord.filter(finished.contains(Column("state")))
            if let serviceId { request = request.filter(Column("serviceId") == serviceId) }
            if let before { request = request.filter(Column("finishedAt") < StoredDates.argument(before)) }
            return try request.order(Column("finishedAt").desc, Column("queuedOrder").desc).limit(limit).fetchAll(db)
        }
        var jobs: [PrintJob] = []
        for record in records { jobs.append(try record.job()) }
        return jobs
    }

    private func pruneHistory(_ db: Database, serviceId: String) throws {
        let finished = PrintJobState.allCases.filter(\.isFinished).map { "'\($0.rawValue)'" }.joined(separator: ", ")
        try db.execute(sql: """
            DELETE FROM job WHERE serviceId = ? AND state IN (\(finished)) AND id NOT IN (
                SELECT id FROM job WHERE serviceId = ? AND state IN (\(finished))
                ORDER BY finishedAt DESC, queuedOrder DESC LIMIT ?)
            """, arguments: [serviceId, serviceId, historyLimit])
    }

    // MARK: - Queues

    public func holdReason(serviceId: String) throws(JobStoreError) -> String? {
        try read { db in
            try String.fetchOne(db, sql: "SELECT holdReason FROM printerQueue WHERE serviceId = ?", arguments: [serviceId])
        }
    }

    public func setHoldReason(_ reason: String?, serviceId: String) throws(JobStoreError) {
        try write { db in
            try db.execute(sql: """
                INSERT INTO printerQueue (serviceId, holdReason) VALUES (?, ?)
                ON CONFLICT(serviceId) DO UPDATE SET holdReason = excluded.holdReason
                """, arguments: [serviceId, reason])
        }
    }

    // MARK: -

    func read<T>(_ body: (Database) throws -> T) throws(JobStoreError) -> T {
        do {
            return try database.read(body)
        } catch let error as JobStoreError {
            throw error
        } catch {
            throw .failed("\(error)")
        }
    }

    func write<T>(_ body: (Database) throws -> T) throws(JobStoreError) -> T {
        do {
            return try database.write(body)
        } catch let error as JobStoreError {
            throw error
        } catch {
            throw .failed("\(error)")
        }
    }
}
