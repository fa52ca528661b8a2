/// The job the link is printing, as a sub-machine of the host protocol: its phase (each holding what only it
/// needs), its progress, and how far the file has been read.
struct PrintJob {
    enum Phase: Equatable {
        case printing
        /// Waiting for the lines in flight (and the pause script, unless the firmware paused itself) to be confirmed.
        case pausing(runScript: Bool)
        case paused
        /// The job's lines are dropped and the cancel script runs; `watch` escalates a cancel that stalls.
        case cancelling(JobOutcome, watch: CancelWatch)
        /// The file is read to its end: the completion script runs and the job completes once all is confirmed.
        case finishing
    }

    var phase: Phase = .printing
    var progress: JobProgress
    private(set) var submittedCommands = 0
    private(set) var sourceExhausted = false

    init(totalCommands: Int, fileSize: Int64) {
        progress = JobProgress(totalCommands: totalCommands, fileSize: fileSize)
    }

    var isCancelling: Bool {
        if case .cancelling = phase { return true }
        return false
    }

    var cancelWatch: CancelWatch? {
        if case .cancelling(_, let watch) = phase { return watch }
        return nil
    }

    /// The next command read from the file; where it came from.
    mutating func nextLine(fileLine: Int, endOffset: Int64) -> JobLineRef {
        defer { submittedCommands += 1 }
        return JobLineRef(commandIndex: submittedCommands, fileLine: fileLine, endOffset: endOffset)
    }

    /// The file has no more commands: true when the completion script is due now (the job was printing).
    mutating func exhaustSource() -> Bool {
        sourceExhausted = true
        guard phase == .printing else { return false }
        phase = .finishing
        return true
    }

    /// The firmware executed a job line.
    mutating func confirm(_ ref: JobLineRef) {
        guard ref.commandIndex >= progress.confirmedCommands else { return }
        progress.confirmedCommands = ref.commandIndex + 1
        progress.lastConfirmedFileLine = ref.fileLine
        progress.confirmedOffset = ref.endOffset
    }

    /// A line of the cancel got through, or the firmware is busy processing: the cancel is not stalled.
    mutating func cancelProgressed(now: ContinuousClock.Instant) {
        guard case .cancelling(let outcome, var watch) = phase else { return }
        watch.quietSince = now
        phase = .cancelling(outcome, watch: watch)
    }

    mutating func cancelEscalated(to step: CancelEscalation.Step, now: ContinuousClock.Instant) {
        guard case .cancelling(let outcome, _) = phase else { return }
        phase = .cancelling(outcome, watch: CancelWatch(step: step, quietSince: now))
    }

    /// How the job ended, for `jobFinished`: an interrupted one says where, so that it can be continued by hand.
    func finalOutcome(_ outcome: JobOutcome) -> JobOutcome {
        guard case .interrupted(let reason) = outcome else { return outcome }
        return .interrupted("\(reason); last line the printer confirmed: \(progress.lastConfirmedFileLine)")
    }
}

/// A cancel whose lines stopped getting through: how far it escalated, and since when nothing was confirmed.
struct CancelWatch: Equatable {
    var step: CancelEscalation.Step?
    var quietSince: ContinuousClock.Instant

    /// The step to take now, if the cancel has been quiet for `timeout`: first the line numbers are set again with
    /// only the heaters switched off, then M108 breaks a wait (only with the emergency parser), then M112.
    func dueStep(now: ContinuousClock.Instant, timeout: Duration, emergencyParser: Bool) -> CancelEscalation.Step? {
        guard now >= quietSince + timeout else { return nil }
        switch step {
        case nil: return .resynchronised
        case .resynchronised? where emergencyParser: return .waitBroken
        case .resynchronised?, .waitBroken?: return .emergencyStop
        case .emergencyStop?: return nil
        }
    }
}
