import Foundation
import Synchronization

/// Counts the ends of a child (its exit, and the end of each pipe) and reports the exit when all have come.
final class ChildEndings: Sendable {
    private let state: Mutex<(remaining: Int, status: Int32)>
    private let report: @Sendable (Int32) -> Void

    init(parts: Int, report: @escaping @Sendable (Int32) -> Void) {
        state = Mutex((remaining: parts, status: 0))
        self.report = report
    }

    /// One part has ended; `status` is the exit's.
    func ended(status: Int32?) {
        let done = state.withLock { state in
            if let status { state.status = status }
            state.remaining -= 1
            return state.remaining == 0 ? state.status : nil
        }
        if let done { report(done) }
    }
}

/// Reads a child's pipe to its end on a thread of its own (blocking reads must not hold the few cooperative
/// threads), handing over each whole line.
enum LineReader {
    static func start(_ handle: FileHandle, line: @escaping @Sendable (String) -> Void,
                      ended: @escaping @Sendable () -> Void) {
        Thread {
            var partial: [UInt8] = []
            while true {
                let chunk = handle.availableData
                if chunk.isEmpty { break }
                partial.append(contentsOf: chunk)
                while let newline = partial.firstIndex(of: UInt8(ascii: "\n")) {
                    line(String(decoding: partial[..<newline], as: UTF8.self))
                    partial.removeSubrange(...newline)
                }
            }
            if !partial.isEmpty { line(String(decoding: partial, as: UTF8.self)) }
            try? handle.close()
            ended()
        }.start()
    }
}
