import Foundation
import GCodeFiles

/// The check stage (DESIGN §1 step 5, last): every line of a job's G-code must fit the firmware before the job may
/// print, so that a print never stops half-way on a line the printer refuses. What the reading finds on the way
/// (the commands to send, the slicer's estimates, where layers begin) is what the printing job reports.
struct GCodeCheck: Sendable {
    /// Where the job prints from.
    let path: String
    /// A sliced job's G-code, checked where the slicer left it and renamed to `path` only once it passed: a file
    /// at `path` is always a checked one, even after a crash during the check.
    var part: String?
    let maxLineLength: Int

    /// What a printable file tells about its print.
    struct Printable: Sendable, Equatable {
        let commandCount: Int
        let printInfo: PrintInfo
        let timeline: PrintTimeline
    }

    enum Verdict: Sendable, Equatable {
        case printable(Printable)
        /// The job fails with this reason.
        case refused(String)
    }

    /// Reads the whole file once, away from the printer's actor: a long G-code takes seconds on a Pi, and the link's
    /// events must not wait for it.
    func read() async -> Verdict {
        let checked = part ?? path
        let maxLineLength = self.maxLineLength
        do {
            return .printable(try await Task.detached(priority: .utility) {
                let summary = try GCodeFileReader.validate(path: checked, maxLineLength: maxLineLength)
                return Printable(commandCount: summary.commandCount, printInfo: PrintInfo(summary.metadata),
                                 timeline: PrintTimeline.read(path: checked))
            }.value)
        } catch {
            return .refused("the G-code cannot be printed: \(error)")
        }
    }

    /// A checked slice goes where the job prints from; the reason when it cannot (nil too when there is no part).
    func moveIntoPlace() -> String? {
        guard let part, rename(part, path) != 0 else { return nil }
        return "the sliced G-code cannot be moved into place: \(String(cString: strerror(errno)))"
    }

    /// A slice checked for a job stopped meanwhile: nobody will print it.
    func discardPart() {
        if let part { unlink(part) }
    }
}
