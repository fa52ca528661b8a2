import GCode
import GCodeFiles
import Synchronization

/// Where a job's commands come from: a G-code file read as it prints, or lines a test provides.
/// The link's thread owns the source while the job runs.
public protocol JobSource: AnyObject {
    func next() throws -> GCodeCommandLine?
    var fileSize: Int64 { get }
}

extension GCodeFileReader: JobSource {}

/// A job source on its way from the caller of `startJob` to the link's thread. A source is not `Sendable` (a file
/// read as it prints), so it crosses as a `sending` value that the caller can no longer touch; the box is made
/// with it and emptied once by the thread, so the checker sees the hand-over instead of a lock it must trust.
final class JobSourceHandOver: Sendable {
    private let source: Mutex<(any JobSource)?>

    init(_ source: sending any JobSource) {
        self.source = Mutex(source)
    }

    func take() -> (any JobSource)? {
        source.withLock { $0.take() }
    }
}
