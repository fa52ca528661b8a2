import Foundation
import Jobs
import Testing

/// Files no job owns are found at start: part files removed, anything else moved beside the spool and never
/// deleted; the files of every job in the database, of any printer, are left alone. Real files, real SQLite.
@Suite(.serialized) struct SpoolAuditTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func orphansAreRemovedOrMovedAsideAndOwnedFilesStay() throws {
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("spool-audit-\(UUID().uuidString)")
        let spool = state.appendingPathComponent("spool")
        let orphans = state.appendingPathComponent("orphans")
        try FileManager.default.createDirectory(at: spool.appendingPathComponent("a-directory"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: state) }
        let store = try JobStore.open(path: state.appendingPathComponent("queue.sqlite").path)
        for (id, printer) in [("job-kept", "mk3"), ("job-other-printer", "unplugged")] {
            try store.save(PrintJob(id: id, serviceId: printer, name: id, contentURI: "https://content.test/\(id)",
                                    state: .interrupted, createdAt: now))
        }
        let files: [String: Int] = ["job-kept.gcode": 10, "job-kept.part": 11, "job-other-printer.gcode": 12,
                                    "job-gone.gcode": 13, "job-gone.part": 14, "notes.txt": 15,
                                    "job-kept.stl": 16, "job-other-printer.3mf": 17, "job-gone.obj": 18]
        for (name, size) in files { try Data(count: size).write(to: spool.appendingPathComponent(name)) }
        // Something already kept aside under the same name is not overwritten.
        try FileManager.default.createDirectory(at: orphans, withIntermediateDirectories: true)
        try Data(count: 1).write(to: orphans.appendingPathComponent("job-gone.gcode"))

        let findings = SpoolAudit.run(spool: spool.path, orphans: orphans.path, store: store)
        #expect(findings == [
            SpoolAudit.Finding(name: "job-gone.gcode", bytes: 13, action: .keptAside(orphans.path + "/2-job-gone.gcode")),
            SpoolAudit.Finding(name: "job-gone.obj", bytes: 18, action: .keptAside(orphans.path + "/job-gone.obj")),
            SpoolAudit.Finding(name: "job-gone.part", bytes: 14, action: .removed),
            SpoolAudit.Finding(name: "notes.txt", bytes: 15, action: .keptAside(orphans.path + "/notes.txt")),
        ])
        let left = try FileManager.default.contentsOfDirectory(atPath: spool.path).sorted()
        // A model waiting to be sliced again after a restart is its job's too.
        #expect(left == ["a-directory", "job-kept.gcode", "job-kept.part", "job-kept.stl", "job-other-printer.3mf",
                         "job-other-printer.gcode"])
        #expect(try FileManager.default.attributesOfItem(atPath: orphans.path + "/2-job-gone.gcode")[.size] as? Int == 13)
        #expect(SpoolAudit.run(spool: spool.path, orphans: orphans.path, store: store).isEmpty)
    }
}
