import Foundation
import Jobs
import Testing

/// The queue's database, on a real SQLite file in a temporary directory.
@Suite(.serialized) struct JobStoreTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    func withStoreFile(_ body: (String) throws -> Void) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("jobstore-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try body(folder.appendingPathComponent("queue.sqlite").path)
    }

    func job(_ id: String, _ state: PrintJobState = .queued, printer: String = "mk3", finishedAt: Date? = nil) -> PrintJob {
        var job = PrintJob(id: id, serviceId: printer, name: "\(id).gcode", contentURI: "https://content.test/\(id)",
                           content: ContentDescriptor(server: "https://content.test", contentId: id,
                                                      mediaType: "text/x.gcode", size: 1234, sha256: String(repeating: "ab", count: 32)),
                           state: state, createdAt: now)
        job.finishedAt = finishedAt
        return job
    }

    @Test func jobsComeBackInQueueOrderWithEveryField() throws {
        try withStoreFile { path in
            var printing = job("a", .printing)
            printing.spoolPath = "/spool/a.gcode"
            printing.totalLines = 1000
            printing.confirmedLines = 400
            printing.lastConfirmedFileLine = 455
            printing.progress = 0.4
            printing.startedAt = now.addingTimeInterval(5)
            var downloading = job("b", .downloading)
            downloading.bytesDownloaded = 617
            do {
                let store = try JobStore.open(path: path)
                try store.save(printing)
                try store.insert(downloading, token: "secret-b")
                try store.save(job("c"))
                try store.save(job("x", printer: "other"))
            }
            let reopened = try JobStore.open(path: path)
            let jobs = try reopened.jobs(serviceId: "mk3")
            #expect(jobs.map(\.id) == ["a", "b", "c"])
            #expect(jobs[0] == printing)
            #expect(jobs[1] == downloading)
            #expect(try reopened.token(for: "b") == "secret-b")
            #expect(try reopened.jobs(serviceId: "other").map(\.id) == ["x"])
        }
    }

    @Test func savingAJobKeepsItsPlaceAndItsToken() throws {
        let store = try JobStore.inMemory()
        try store.insert(job("a"), token: "t-a")
        try store.save(job("b"))
        var moved = job("a", .downloading)
        moved.bytesDownloaded = 99
        try store.save(moved)
        #expect(try store.jobs(serviceId: "mk3").map(\.id) == ["a", "b"])
        #expect(try store.token(for: "a") == "t-a")
    }

    @Test func aFinishedJobForgetsItsToken() throws {
        let store = try JobStore.inMemory()
        try store.insert(job("a"), token: "t-a")
        try store.save(job("a", .failed, finishedAt: now))
        #expect(try store.token(for: "a") == nil)
    }

    @Test func historyIsNewestFirstFilteredAndBounded() throws {
        let store = try JobStore.inMemory(historyLimit: 3)
        for index in 0..<5 {
            try store.save(job("done-\(index)", .completed, finishedAt: now.addingTimeInterval(Double(index))))
        }
        try store.save(job("other-done", .cancelled, printer: "other", finishedAt: now))
        try store.save(job("waiting"))
        #expect(try store.history(serviceId: "mk3", limit: 10).map(\.id) == ["done-4", "done-3", "done-2"])
        #expect(try store.history(serviceId: "mk3", limit: 2, before: now.addingTimeInterval(4)).map(\.id)
                == ["done-3", "done-2"])
        #expect(try store.history(serviceId: nil, limit: 10).count == 4)
        #expect(try store.jobs(serviceId: "mk3").map(\.id) == ["done-2", "done-3", "done-4", "waiting"],
                "pruning the history never touches a job still to print")
    }

    @Test func holdReasonsArePerPrinterAndSurvive() throws {
        try withStoreFile { path in
            do {
                let store = try JobStore.open(path: path)
                try store.setHoldReason("job a was interrupted", serviceId: "mk3")
                try store.setHoldReason("first", serviceId: "other")
                try store.setHoldReason(nil, serviceId: "other")
            }
            let store = try JobStore.open(path: path)
            #expect(try store.holdReason(serviceId: "mk3") == "job a was interrupted")
            #expect(try store.holdReason(serviceId: "other") == nil)
            #expect(try store.holdReason(serviceId: "never-seen") == nil)
        }
    }

    @Test func theFileIsTheAgentUsersOnly() throws {
        try withStoreFile { path in
            _ = try JobStore.open(path: path)
            let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
            #expect(mode == 0o600)
        }
    }

    @Test func aDirectoryThatCannotHoldTheFileIsAClearError() throws {
        try withStoreFile { path in
            #expect {
                _ = try JobStore.open(path: path + "-missing-directory/queue.sqlite")
            } throws: { error in
                "\(error)".contains("cannot open the print queue database") && "\(error)".contains("No such file or directory")
            }
        }
    }
}
