import Foundation
@testable import Jobs
import Testing

@Suite struct GCodeCheckTests {
    /// A directory of the test's own, standing for the spool.
    final class Spool {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("gcode-check-\(UUID().uuidString)").path

        init() throws { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) }
        deinit { try? FileManager.default.removeItem(atPath: path) }

        func write(_ name: String, _ text: String) throws -> String {
            let file = "\(path)/\(name)"
            try text.write(toFile: file, atomically: false, encoding: .utf8)
            return file
        }
    }

    let layered = "G28\nG1 X10 Y10 F3000\n;LAYER_CHANGE\nG1 Z0.2\nM73 P50 R3\n"

    @Test func everyCommandIsCountedAndTheLayersFound() async throws {
        let spool = try Spool()
        let path = try spool.write("j1.gcode", layered)
        guard case .printable(let printable) = await GCodeCheck(path: path, maxLineLength: 96).read() else {
            Issue.record("short lines are printable")
            return
        }
        #expect(printable.commandCount == 4, "comments are not sent")
        #expect(printable.timeline.layerStarts == [3])
        #expect(printable.timeline.remainingSeconds(atFileLine: 5) == 180)
    }

    @Test func aLineTooLongForTheFirmwareRefusesTheJob() async throws {
        let spool = try Spool()
        let path = try spool.write("j1.gcode", "G28\nG1 X100.123 Y100.456 Z0.3 E12.34567 F1800\n")
        let verdict = await GCodeCheck(path: path, maxLineLength: 30).read()
        guard case .refused(let reason) = verdict else {
            Issue.record("a line longer than the firmware takes would stop the print half-way")
            return
        }
        #expect(reason.hasPrefix("the G-code cannot be printed: line 2 of the G-code file is too long"))
    }

    @Test func nothingToPrintIsRefused() async throws {
        let spool = try Spool()
        let path = try spool.write("j1.gcode", "; only a comment\n")
        guard case .refused = await GCodeCheck(path: path, maxLineLength: 96).read() else {
            Issue.record("printing nothing is not a completed print")
            return
        }
    }

    @Test func aSliceIsCheckedWhereTheSlicerLeftItAndOnlyThenMovedIntoPlace() async throws {
        let spool = try Spool()
        let part = try spool.write("j1.gcode.part", layered)
        let check = GCodeCheck(path: "\(spool.path)/j1.gcode", part: part, maxLineLength: 96)
        guard case .printable = await check.read() else {
            Issue.record("the part is what is checked")
            return
        }
        #expect(!FileManager.default.fileExists(atPath: check.path), "the check alone moves nothing")
        #expect(check.moveIntoPlace() == nil)
        #expect(FileManager.default.fileExists(atPath: check.path) && !FileManager.default.fileExists(atPath: part))
    }

    @Test func aSliceThatCannotBeMovedIntoPlaceSaysWhy() throws {
        let spool = try Spool()
        let check = GCodeCheck(path: "\(spool.path)/j1.gcode", part: "\(spool.path)/gone.gcode.part", maxLineLength: 96)
        #expect(check.moveIntoPlace() == "the sliced G-code cannot be moved into place: No such file or directory")
    }

    @Test func aDownloadedFileIsAlreadyInPlace() throws {
        let spool = try Spool()
        let path = try spool.write("j1.gcode", layered)
        let check = GCodeCheck(path: path, maxLineLength: 96)
        #expect(check.moveIntoPlace() == nil)
        check.discardPart()
        #expect(FileManager.default.fileExists(atPath: path), "only a slice's part is ever discarded")
    }

    @Test func theSliceOfAStoppedJobIsDiscarded() throws {
        let spool = try Spool()
        let part = try spool.write("j1.gcode.part", layered)
        GCodeCheck(path: "\(spool.path)/j1.gcode", part: part, maxLineLength: 96).discardPart()
        #expect(!FileManager.default.fileExists(atPath: part))
    }
}
