import Foundation
import GRDB
import Jobs
import Testing

/// A queue database that cannot be read at start — empty after a power cut, not SQLite, corrupt — is kept aside
/// and never silently taken for a new, empty queue (issue 14, finding 5). Real SQLite files.
@Suite(.serialized) struct JobStoreRecoveryTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    func withFolder(_ body: (URL) throws -> Void) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("jobstore-recovery-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try body(folder)
    }

    func job(_ id: String, _ state: PrintJobState) -> PrintJob {
        PrintJob(id: id, serviceId: "mk3", name: id, contentURI: "https://content.test/\(id)", state: state, createdAt: now)
    }

    func size(_ path: String) throws -> Int? { try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int }

    @Test func aZeroLengthFileIsKeptAsideNotTakenForANewQueue() throws {
        try withFolder { folder in
            let path = folder.appendingPathComponent("queue.sqlite").path
            _ = FileManager.default.createFile(atPath: path, contents: Data())
            let store = try JobStore.open(path: path, now: now)
            let setAside = try #require(store.setAside)
            #expect(setAside.keptAs == path + ".broken-20270115T080000Z")
            #expect(setAside.reason == "the file is empty (0 bytes), as a power cut can leave it")
            #expect(try size(setAside.keptAs) == 0, "kept as it was found")
            #expect(setAside.description.contains("check the printer before releasing its queue"))
            // The new database works and is the agent user's only.
            try store.save(job("j1", .queued))
            #expect(try store.jobs(serviceId: "mk3").map(\.id) == ["j1"])
            #expect(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int == 0o600)
            // Opened again, it is a good database: nothing more is set aside.
            #expect(try JobStore.open(path: path, now: now).setAside == nil)
        }
    }

    @Test func aFileThatIsNotADatabaseIsKeptAside() throws {
        try withFolder { folder in
            let path = folder.appendingPathComponent("queue.sqlite").path
            let text = Data("not sqlite at all, just text that fills the header and more".utf8)
            try text.write(to: URL(fileURLWithPath: path))
            let store = try JobStore.open(path: path, now: now)
            let setAside = try #require(store.setAside)
            #expect(setAside.reason.contains("not a database"), "\(setAside.reason)")
            #expect(try Data(contentsOf: URL(fileURLWithPath: setAside.keptAs)) == text)
        }
    }

    @Test func anSQLiteFileWithoutTheQueueIsKeptAside() throws {
        try withFolder { folder in
            let path = folder.appendingPathComponent("queue.sqlite").path
            try DatabaseQueue(path: path).write { try $0.execute(sql: "CREATE TABLE somethingElse (x)") }
            let setAside = try #require(try JobStore.open(path: path, now: now).setAside)
            #expect(setAside.reason == "the file holds no print queue")
        }
    }

    @Test func twoRecoveriesInTheSameSecondKeepBothFiles() throws {
        try withFolder { folder in
            let path = folder.appendingPathComponent("queue.sqlite").path
            _ = FileManager.default.createFile(atPath: path, contents: Data())
            let first = try #require(try JobStore.open(path: path, now: now).setAside)
            try FileManager.default.removeItem(atPath: path)
            _ = FileManager.default.createFile(atPath: path, contents: Data())
            let second = try #require(try JobStore.open(path: path, now: now).setAside)
            #expect(first.keptAs != second.keptAs)
            #expect(second.keptAs == path + ".broken-20270115T080000Z-2")
        }
    }

    @Test func aNewFileIsNotARecovery() throws {
        try withFolder { folder in
            let path = folder.appendingPathComponent("queue.sqlite").path
            let store = try JobStore.open(path: path, now: now)
            #expect(store.setAside == nil)
            try store.save(job("j1", .interrupted))
            try store.setHoldReason("job j1 was interrupted", serviceId: "mk3")
            let again = try JobStore.open(path: path, now: now)
            #expect(again.setAside == nil)
            #expect(try again.holdReason(serviceId: "mk3") == "job j1 was interrupted")
        }
    }

    /// A printer restored over a replaced database holds its queue with the reason, and the hold is written to the
    /// new database, so that a second restart still holds it.
    @Test func aPrinterRestoredOverAReplacedDatabaseIsHeld() throws {
        try withFolder { folder in
            let path = folder.appendingPathComponent("queue.sqlite").path
            _ = FileManager.default.createFile(atPath: path, contents: Data())
            let store = try JobStore.open(path: path, now: now)
            let (_, sink) = AsyncStream.makeStream(of: PrinterNotice.self)
            let service = PrinterService(settings: PrinterServiceSettings(serviceId: "mk3", portPath: "/dev/null-printer"),
                                         notices: sink, support: JobSupport(store: store))
            let reason = try #require(try store.holdReason(serviceId: "mk3"))
            #expect(reason.contains("could not be read (the file is empty (0 bytes)"))
            #expect(reason.contains(store.setAside!.keptAs))
            _ = service
        }
    }
}
