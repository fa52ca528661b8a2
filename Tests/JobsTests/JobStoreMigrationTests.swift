import Foundation
import GRDB
@testable import Jobs
import Testing

/// A queue database written by an agent from before the pairings moved in (schema v1 only) opens with a newer
/// agent and keeps every job and hold; the paired clients' table is added beside them. Real SQLite files.
@Suite(.serialized) struct JobStoreMigrationTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let v1 = "v1: jobs and printer queues"

    func withFolder(_ body: (URL) throws -> Void) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("jobstore-migration-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try body(folder)
    }

    /// The database as the older agent left it: its one migration, a job printing with its token, and a held queue.
    func writeOlderDatabase(at path: String) throws {
        let old = try DatabaseQueue(path: path)
        try JobStoreSchema.migrator.migrate(old, upTo: Self.v1)
        try old.write { db in
            try db.execute(sql: """
                INSERT INTO job (id, serviceId, queuedOrder, name, contentURI, contentServer, token, state, message,
                                 totalLines, confirmedLines, lastConfirmedFileLine, progress, createdAt, startedAt)
                VALUES ('j1', 'mk3', 1, 'benchy.gcode', 'https://content.test/benchy', 'https://content.test',
                        'content-token', 'queued', 'waiting', 0, 0, 0, 0, ?, NULL),
                       ('j2', 'mk3', 2, 'cube.gcode', 'https://content.test/cube', 'https://content.test',
                        NULL, 'interrupted', 'the agent stopped', 1000, 400, 455, 0.4, ?, ?)
                """, arguments: [now, now, now.addingTimeInterval(60)])
            try db.execute(sql: "INSERT INTO printerQueue (serviceId, holdReason) VALUES ('mk3', 'check the bed')")
        }
        try old.close()
        #expect(try DatabaseQueue(path: path).read { try $0.tableExists("pairedClient") } == false)
    }

    @Test func anOlderQueueDatabaseOpensAndKeepsItsJobs() throws {
        try withFolder { folder in
            let path = folder.appendingPathComponent(JobStore.fileName).path
            try writeOlderDatabase(at: path)

            let store = try JobStore.open(path: path, now: now)
            #expect(store.setAside == nil, "an older schema is migrated, never taken for an unreadable file")
            let jobs = try store.jobs(serviceId: "mk3")
            #expect(jobs.map(\.id) == ["j1", "j2"])
            #expect(jobs.map(\.state) == [.queued, .interrupted])
            #expect(jobs[1].lastConfirmedFileLine == 455)
            #expect(jobs[1].startedAt == now.addingTimeInterval(60))
            #expect(try store.token(for: "j1") == "content-token")
            #expect(try store.holdReason(serviceId: "mk3") == "check the bed")
            #expect(try store.pairedClients().isEmpty)

            let id = try store.addPairedClient(proposedID: "0badf00d", label: "Cura",
                                               tokenSHA256: String(repeating: "ab", count: 32), createdAt: now)
            #expect(id == "0badf00d")
            // Opened again (the next start): nothing migrates twice, everything is there.
            let again = try JobStore.open(path: path, now: now)
            #expect(try again.jobs(serviceId: "mk3").map(\.id) == ["j1", "j2"])
            #expect(try again.pairedClients().map(\.id) == ["0badf00d"])
            #expect(try again.pairedClients().first?.createdAt == now)
        }
    }

    @Test func pairedClientsKeepTheirShapeInTheSchema() throws {
        let store = try JobStore.inMemory()
        let hash = String(repeating: "0f", count: 32)
        #expect(try store.addPairedClient(proposedID: "ab12", label: "a", tokenSHA256: hash, createdAt: now) == "ab12")
        #expect(try store.addPairedClient(proposedID: "ab12", label: "b", tokenSHA256: String(repeating: "1e", count: 32),
                                          createdAt: now) == "ab121", "a taken id is lengthened")
        for (id, sha256) in [("AB12", String(repeating: "2d", count: 32)), ("", String(repeating: "2d", count: 32)),
                             ("cd34", "not a hash"), ("cd35", String(repeating: "AB", count: 32)),
                             ("cd36", hash)] {
            let error = #expect(throws: JobStoreError.self, "\(id) \(sha256)") {
                try store.importPairedClients([TokenRecord(id: id, label: "x", tokenSHA256: sha256, createdAt: now)])
            }
            #expect(error?.description.contains("constraint failed") == true, "\(String(describing: error))")
        }
        #expect(try store.pairedClients().map(\.id) == ["ab12", "ab121"])
    }

    @Test func anImportIsAllOrNothingAndNeverTwice() throws {
        let store = try JobStore.inMemory()
        let first = TokenRecord(id: "aa01", label: "a", tokenSHA256: String(repeating: "a1", count: 32), createdAt: now)
        let second = TokenRecord(id: "aa02", label: "b", tokenSHA256: String(repeating: "b2", count: 32), createdAt: now,
                                 lastUsedAt: now.addingTimeInterval(5))
        let clash = TokenRecord(id: "aa03", label: "c", tokenSHA256: first.tokenSHA256, createdAt: now)
        #expect(throws: JobStoreError.self) { try store.importPairedClients([first, second, clash]) }
        #expect(try store.pairedClients().isEmpty, "one transaction: none of them")
        #expect(try store.importPairedClients([first, second]) == 2)
        #expect(try store.importPairedClients([first, second]) == 0, "a repeated import adds nothing")
        #expect(try store.pairedClients() == [first, second])
    }

    @Test func lastUseIsWrittenOnlyWhenLaterAndNeverBringsBackARevokedClient() throws {
        let store = try JobStore.inMemory()
        let hash = String(repeating: "c3", count: 32)
        let id = try store.addPairedClient(proposedID: "cc01", label: "c", tokenSHA256: hash, createdAt: now)
        try store.recordUse([id: now.addingTimeInterval(30)])
        try store.recordUse([id: now.addingTimeInterval(10)])
        #expect(try store.pairedClients().first?.lastUsedAt == now.addingTimeInterval(30))
        #expect(try store.removePairedClient(id: id))
        #expect(try !store.removePairedClient(id: id))
        try store.recordUse([id: now.addingTimeInterval(40)])
        #expect(try store.pairedClients().isEmpty)
        #expect(try !store.isPaired(id: id))
    }
}
