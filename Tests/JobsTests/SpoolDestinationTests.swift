@testable import Jobs
import Testing

@Suite struct SpoolDestinationTests {
    func destination(_ name: String, _ mediaType: String, slicer: Bool = true) -> SpoolDestination {
        SpoolDestination(jobId: "j1", name: name, mediaType: mediaType, slicerAvailable: slicer, spool: "/spool")
    }

    @Test func gcodeGoesToTheJobsGcodeFile() {
        #expect(destination("benchy.gcode", "text/x.gcode") == .gcode(path: "/spool/j1.gcode"))
        #expect(destination("benchy.gcode", "application/octet-stream") == .gcode(path: "/spool/j1.gcode"),
                "a plain file server's type: the name decides")
    }

    @Test func aModelGoesToItsModelFileToBeSliced() {
        guard case .model(let path, let format) = destination("bracket.3mf", "model/3mf") else {
            Issue.record("a 3MF model with a slicer is sliced")
            return
        }
        #expect(path == "/spool/j1.3mf")
        #expect(format.rawValue == "3mf")
    }

    @Test func aModelWithoutASlicerIsRefusedBeforeItsDownload() {
        guard case .refused(let reason) = destination("bracket.stl", "model/stl", slicer: false) else {
            Issue.record("no slicer, no model")
            return
        }
        #expect(reason.contains("no slicer available") && reason.contains("bracket.stl is a 3D model (STL)"))
    }

    @Test func whatIsNeitherGcodeNorAModelIsRefused() {
        #expect(destination("photo.jpg", "image/jpeg")
            == .refused("photo.jpg cannot be printed: its media type image/jpeg is neither G-code nor a 3D model"))
    }
}
