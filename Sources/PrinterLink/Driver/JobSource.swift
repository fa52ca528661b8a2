import GCode
import GCodeFiles

/// Where a job's commands come from: a G-code file read as it prints, or lines a test provides.
/// The link's thread owns the source while the job runs.
public protocol JobSource: AnyObject {
    func next() throws -> GCodeCommandLine?
    var fileSize: Int64 { get }
}

extension GCodeFileReader: JobSource {}
