import Foundation
import GCode
@testable import Jobs
import Testing

@Suite struct ModelSliceTests {
    let m211 = SoftEndstops(enabled: true, min: .init(x: -2, y: -3, z: 0), max: .init(x: 248, y: 207, z: 210))
    let configured = Millimetres3(x: 220, y: 220, z: 250)

    @Test func theFirmwaresM211WinsOverTheConfiguration() throws {
        let volume = try ModelSlice.printableVolume(reported: m211, configured: configured)
        #expect(volume.size.x == 250 && volume.size.y == 210 && volume.size.z == 210, "max − min on each axis")
    }

    @Test func withoutM211TheConfiguredVolumeIsUsed() throws {
        let volume = try ModelSlice.printableVolume(reported: nil, configured: configured)
        #expect(volume.size.x == 220 && volume.size.y == 220 && volume.size.z == 250)
    }

    @Test func withNeitherTheModelCannotBeChecked() {
        #expect(throws: ModelSlice.Refusal.self) { try ModelSlice.printableVolume(reported: nil, configured: nil) }
    }

    @Test func aPrinterProfileIsReadOnlyWhenConfigured() throws {
        #expect(try ModelSlice.printerProfile(at: nil) == nil)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("profile-\(UUID().uuidString).ini").path
        try "nozzle_diameter = 0.6\n".write(toFile: path, atomically: false, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(try ModelSlice.printerProfile(at: path) == "nozzle_diameter = 0.6\n")
    }

    @Test func anUnreadablePrinterProfileRefusesTheSlice() {
        do {
            _ = try ModelSlice.printerProfile(at: "/nonexistent/mk3.ini")
            Issue.record("a profile that cannot be read must not be sliced without")
        } catch {
            #expect(error.reason.hasPrefix("the printer's slicer_profile /nonexistent/mk3.ini cannot be read"))
        }
    }

    @Test func theSliceWorksInTheJobsOwnPlacesInTheSpool() throws {
        let files = SpoolFiles(jobId: "j1", spool: "/spool")
        guard case .model(let model, let format) = SpoolDestination(jobId: "j1", name: "bracket.stl", mediaType: "model/stl",
                                                                    slicerAvailable: true, spool: "/spool") else {
            Issue.record("an STL with a slicer is sliced")
            return
        }
        let stage = ModelSlice(model: model, format: format, files: files)
        let job = stage.job(volume: try ModelSlice.printableVolume(reported: nil, configured: configured),
                            printerProfile: "p", slicing: SlicingSupport())
        #expect(job.modelPath == "/spool/j1.stl")
        #expect(job.workingDirectory == "/spool/j1.slicing")
        #expect(job.gcodePartPath == "/spool/j1.gcode.part", "the check stage reads it there")
        #expect(job.printerProfile == "p")
    }

    @Test func theSlicersFirstWordEndsTheWaitOnce() {
        var job = PrintJob(id: "j1", serviceId: "mk3", name: "bracket.stl", contentURI: "", state: .downloading,
                           createdAt: Date(timeIntervalSince1970: 1_800_000_000))
        ModelSlice.waitForTheSlicer(&job, slicer: "PrusaSlicer 2.7.4")
        #expect(job.state == .slicing && job.message == "waiting for the slicer")
        #expect(job.slicing == JobSlicing(progress: 0, stage: "waiting", slicer: "PrusaSlicer 2.7.4"))

        let first = ModelSlice.record(JobSlicing(progress: 0.1, stage: "Slicing", slicer: "PrusaSlicer 2.7.4"), in: &job)
        #expect(first, "the job no longer waits: its state goes out")
        #expect(job.message == "slicing with PrusaSlicer 2.7.4" && job.slicing?.progress == 0.1)
        let next = ModelSlice.record(JobSlicing(progress: 0.4, stage: "Infill", slicer: "PrusaSlicer 2.7.4"), in: &job)
        #expect(!next, "later points are progress only")
        #expect(job.slicing?.stage == "Infill")
    }
}
