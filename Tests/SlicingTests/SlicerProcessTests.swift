import Foundation
import Logging
import Testing
@testable import Slicing

/// The process runner with /bin/sh standing in for a slicer.
@Suite(.serialized, .timeLimit(.minutes(1))) struct SlicerProcessTests {
    final class Lines: @unchecked Sendable {
        let lock = NSLock()
        var lines: [(String, Bool)] = []
        func add(_ line: Substring, _ error: Bool) { lock.withLock { lines.append((String(line), error)) } }
        var all: [(String, Bool)] { lock.withLock { lines } }
    }

    private func run(_ script: String, limits: SlicerProcessLimits = SlicerProcessLimits(), lines: Lines = Lines()) async throws -> SlicerProcessOutcome {
        try await SlicerProcess.run(executable: "/bin/sh", arguments: ["-c", script], workingDirectory: "/tmp",
                                    limits: limits, logger: Logger(label: "test"), onLine: lines.add)
    }

    @Test func bothStreamsDrainedAndTheStatusKept() async throws {
        let lines = Lines()
        // 2 MB on standard error while standard output waits: a runner that reads one pipe at a time deadlocks.
        let outcome = try await run("head -c 2000000 /dev/zero | tr '\\0' 'x' | fold -w 1000 >&2; echo >&2; echo out; echo last >&2; exit 3", lines: lines)
        #expect(outcome.ending == .exited(3))
        #expect(lines.all.filter { $0.1 }.count == 2001)
        #expect(lines.all.contains { $0 == ("out", false) })
        #expect(outcome.standardErrorTail.last == "last")
        #expect(outcome.standardOutputTail == ["out"])
    }

    @Test func cancelEndsItWithSIGTERM() async throws {
        let started = ContinuousClock.now
        let task = Task { try await run("echo started; sleep 30") }
        try await Task.sleep(for: .milliseconds(300))
        task.cancel()
        let outcome = try await task.value
        #expect(outcome.cancelled)
        #expect(outcome.ending == .signalled(SIGTERM))
        #expect(ContinuousClock.now - started < .seconds(10))
    }

    @Test func aSlicerThatIgnoresSIGTERMIsKilled() async throws {
        let limits = SlicerProcessLimits(time: .milliseconds(500), terminationGrace: .milliseconds(300))
        let outcome = try await run("trap '' TERM; echo ready; while :; do sleep 1; done", limits: limits)
        #expect(outcome.timedOut)
        #expect(outcome.ending == .signalled(SIGKILL))
    }

    @Test func lowerPriorityAndMemoryLimit() async throws {
        let lines = Lines()
        let outcome = try await run("nice; ulimit -v", limits: SlicerProcessLimits(memoryBytes: 512 << 20, niceness: 7), lines: lines)
        #expect(outcome.ending == .exited(0))
        let own = getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0)
        #expect(lines.all.map(\.0) == ["\(min(19, own + 7))", "\(512 * 1024)"])
    }

    @Test func missingProgram() async {
        await #expect(throws: SlicerProcessError.self) {
            _ = try await SlicerProcess.run(executable: "/nonexistent/slicer", arguments: [], workingDirectory: "/tmp",
                                            limits: SlicerProcessLimits(), logger: Logger(label: "test")) { _, _ in }
        }
    }
}
