import Slicing

/// A job's files in the spool, named from its id alone: a restart finds a half-done download or an unsliced model
/// again from the job's record, and whatever a finished job leaves can be removed without a list of what it made.
struct SpoolFiles: Sendable, Equatable {
    let jobId: String
    let spool: String

    /// The download as it arrives; kept when it is cut off, so that the next attempt resumes it.
    var part: String { "\(spool)/\(jobId).part" }
    /// What the printer prints from.
    var gcode: String { "\(spool)/\(jobId).gcode" }
    /// A slice's G-code until it has been checked: a half-written one never looks printable.
    var gcodePart: String { "\(spool)/\(jobId).gcode.part" }
    /// The slicer's own directory, removed when its slice ends.
    var slicingDirectory: String { "\(spool)/\(jobId).slicing" }

    /// A 3D model, kept until its G-code is ready so that a slice cut off by a restart runs again from it.
    func model(_ format: ModelFormat) -> String { "\(spool)/\(jobId).\(format.rawValue)" }

    /// Every file the job may have left in the spool (its slicing directory apart).
    var all: [String] { [part, gcode, gcodePart] + ModelFormat.allCases.map(model) }
}
