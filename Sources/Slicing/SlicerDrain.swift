import ChildProcesses
import Logging
import Subprocess
#if canImport(Glibc)
import Glibc
#endif

/// What reading a slicer's outputs to their end gave.
struct SlicerDrain: Sendable {
    var timedOut = false
    var outputTail: [String] = []
    var errorTail: [String] = []
    /// `ru_maxrss` of the slicer, read before swift-subprocess reaps it (which keeps the usage to itself).
    var peakResidentBytes = 0
}

/// Reads both outputs of a running slicer at once, waits for its end, and ends it when it runs out of time:
/// SIGTERM to its group at the deadline, SIGKILL when it has not ended `terminationGrace` later.
struct SlicerWatch: Sendable {
    let limits: SlicerProcessLimits
    let logger: Logger

    private enum Part: Sendable {
        case output([String])
        case error([String])
        case ended(rusage?)
        case deadline(timedOut: Bool)
    }

    func drain(_ execution: Execution<NoInput, SequenceOutput, SequenceOutput>, deadline: ContinuousClock.Instant,
               onLine: @escaping SlicerProcess.LineHandler) async -> SlicerDrain {
        let pid = execution.processIdentifier.value
        return await withTaskGroup(of: Part.self) { group in
            group.addTask { .output(await Self.lines(of: execution.standardOutput, onStandardError: false, onLine)) }
            group.addTask { .error(await Self.lines(of: execution.standardError, onStandardError: true, onLine)) }
            group.addTask { .ended(await ExitWatch.ended(pid)) }
            group.addTask { .deadline(timedOut: await endAtDeadline(execution, deadline)) }
            var drain = SlicerDrain()
            var remaining = 3
            while remaining > 0, let part = await group.next() {
                remaining -= record(part, in: &drain)
            }
            // Ended before its deadline: the watch has nothing left to do.
            group.cancelAll()
            for await part in group { _ = record(part, in: &drain) }
            return drain
        }
    }

    /// Returns 1 for each of the three parts the drain waits for (both outputs and the exit), 0 for the deadline.
    private func record(_ part: Part, in drain: inout SlicerDrain) -> Int {
        switch part {
        case .output(let tail): drain.outputTail = tail
        case .error(let tail): drain.errorTail = tail
        case .ended(let usage): drain.peakResidentBytes = (usage?.ru_maxrss ?? 0) * 1024
        case .deadline(let timedOut):
            drain.timedOut = drain.timedOut || timedOut
            return 0
        }
        return 1
    }

    /// Sleeps until the deadline (cancelled when the slicer ends first), then ends the slicer's group.
    private func endAtDeadline(_ execution: Execution<NoInput, SequenceOutput, SequenceOutput>,
                               _ deadline: ContinuousClock.Instant) async -> Bool {
        do { try await Task.sleep(until: deadline) } catch { return false }
        try? execution.send(signal: .terminate, toProcessGroup: true)
        do { try await Task.sleep(for: limits.terminationGrace) } catch { return true }
        logger.warning("the slicer did not end within \(limits.terminationGrace) of SIGTERM: SIGKILL")
        try? execution.send(signal: .kill, toProcessGroup: true)
        return true
    }

    private static func lines(of output: SubprocessOutputSequence, onStandardError: Bool,
                              _ onLine: SlicerProcess.LineHandler) async -> [String] {
        var lines = LineCollector(onStandardError: onStandardError)
        do {
            for try await buffer in output {
                buffer.withUnsafeBytes { lines.append(ArraySlice($0), onLine) }
            }
        } catch {
            onLine("reading the slicer's output failed: \(error)", onStandardError)
        }
        lines.finish(onLine)
        return lines.tail
    }
}

/// Splits one pipe's bytes into lines, keeping the last few for error messages.
private struct LineCollector {
    let onStandardError: Bool
    var pending: [UInt8] = []
    var tail: [String] = []

    init(onStandardError: Bool) {
        self.onStandardError = onStandardError
    }

    mutating func append(_ bytes: ArraySlice<UInt8>, _ onLine: SlicerProcess.LineHandler) {
        var start = bytes.startIndex
        while let newline = bytes[start...].firstIndex(where: { $0 == 0x0A || $0 == 0x0D }) {
            pending.append(contentsOf: bytes[start..<newline].prefix(SlicerProcess.maximumLineLength - pending.count))
            emit(onLine)
            start = newline + 1
        }
        let room = max(0, SlicerProcess.maximumLineLength - pending.count)
        pending.append(contentsOf: bytes[start...].prefix(room))
    }

    mutating func finish(_ onLine: SlicerProcess.LineHandler) {
        if !pending.isEmpty { emit(onLine) }
    }

    private mutating func emit(_ onLine: SlicerProcess.LineHandler) {
        defer { pending.removeAll(keepingCapacity: true) }
        guard !pending.isEmpty else { return }
        let line = String(decoding: pending, as: UTF8.self)
        onLine(line[...], onStandardError)
        tail.append(line.count > 300 ? String(line.prefix(300)) + "…" : line)
        if tail.count > SlicerProcess.tailLength { tail.removeFirst() }
    }
}
