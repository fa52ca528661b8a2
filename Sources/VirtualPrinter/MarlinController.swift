/// The firmware of a Marlin-style controller, without any I/O: bytes from the wire go in with the time they arrived,
/// time passes, reply bytes come out. Times are seconds of a monotonic real clock; the firmware's own clock runs
/// `timeScale` times faster for heaters, dwells, homing, keep-alive and reports.
///
/// Reception follows Marlin's `get_serial_commands`: bytes wait in a receive buffer of `receiveBufferSize` bytes (more
/// are lost), become lines only while the command queue has room, and each line is checked (line number, then
/// checksum) before it is queued. Commands run one at a time from the queue; each answers `ok` when it is done.
struct MarlinController: Sendable {
    enum Busy: Sendable {
        case processing
        case pausedForUser
    }

    enum HeaterID: Sendable, Equatable {
        case hotend(Int)
        case bed
    }

    struct HeaterWait: Sendable {
        var heater: HeaterID
        /// M109 R / M190 R wait for cooling too; S waits only while heating.
        var waitsForCooling: Bool
        var residencyStart: Double?
        var nextReport: Double
    }

    /// What happens once the planner has run dry.
    enum AfterSynchronizing: Sendable {
        case finish
        case dwell(seconds: Double)
        case home
        case probe
    }

    /// The command at the head of the queue that has not finished yet.
    enum Activity: Sendable {
        case idle
        case synchronizing(then: AfterSynchronizing)
        case timed(until: Double, homes: Bool)
        case waitingForPlannerBlock(duration: Double)
        case heating(HeaterWait)
        case pausedForUser(until: Double?)
    }

    let configuration: VirtualPrinterConfiguration
    var stats = VirtualPrinterStats()
    var log: CommandLog
    /// Reply bytes not yet taken by the wire, complete lines only.
    var output: [UInt8] = []

    var receiveBuffer: ByteRing
    var assembler = LineAssembler()
    var emergency = EmergencyParser()
    /// After a resend request emptied the receive buffer in the middle of a line, the rest of that line is dropped
    /// when it arrives (Marlin would run the fragment as an unknown command and answer it with a stray `ok`).
    var skippingCutLine = false
    var lastLineNumber = 0
    var hostFaults: LineFaultInjector
    var printerFaults: LineFaultInjector
    var queue: CommandQueue

    var activity = Activity.idle
    /// Set by M108 or an M876 answer from the emergency parser; ends the current wait at the next step.
    var waitCancelled = false
    var busy: Busy?
    var nextBusySignal = 0.0
    var isHalted = false
    var hotends: [HeaterModel]
    var bed = HeaterModel.bed()
    var heatersUpdatedAt: Double
    /// M155 interval in firmware seconds; 0 is off.
    var autoreportInterval = 0.0
    var nextAutoreport = Double.infinity
    var planner = MotionPlanner()
    var position = ToolPosition()
    var activeTool = 0
    var softEndstopsEnabled = true
    var displayMessage: String?
    var promptResponses: [Int] = []

    /// Seconds between busy messages: Marlin's DEFAULT_KEEPALIVE_INTERVAL.
    static let keepaliveInterval = 2.0

    init(configuration: VirtualPrinterConfiguration, now: Double) {
        self.configuration = configuration
        log = CommandLog(keepsCommands: configuration.recordsCommands, mirrorsToFile: configuration.logFile != nil)
        receiveBuffer = ByteRing(capacity: configuration.receiveBufferSize)
        queue = CommandQueue(capacity: configuration.commandBufferSize)
        hostFaults = LineFaultInjector(rate: configuration.errorRate.hostToPrinter, seed: configuration.seed)
        printerFaults = LineFaultInjector(rate: configuration.errorRate.printerToHost,
                                          seed: configuration.seed ^ 0x5DEE_CE66_D1CE_4E5B)
        hotends = Array(repeating: HeaterModel.hotend(), count: configuration.hotendCount)
        heatersUpdatedAt = now
    }

    /// Firmware seconds expressed in real seconds.
    @inline(__always)
    func realSeconds(_ firmwareSeconds: Double) -> Double {
        firmwareSeconds / configuration.timeScale
    }

    var isIdle: Bool {
        if case .idle = activity { return true }
        return false
    }

    // MARK: Bytes from the host

    /// Bytes that arrived from the wire at `now`. The emergency parser sees every byte, even one the full receive
    /// buffer then loses; the firmware empties the buffer into its queue as fast as the queue allows.
    mutating func receive<Bytes: Sequence>(_ bytes: Bytes, at now: Double) where Bytes.Element == UInt8 {
        guard !isHalted else { return }
        // A command in these bytes may set a target: the heaters must have lived up to now under the old one.
        updateHeaters(to: now)
        let emergencyParserEnabled = configuration.emergencyParser
        for byte in bytes {
            if emergencyParserEnabled, let command = emergency.consume(byte) {
                handleEmergency(command, at: now)
                if isHalted { return }
            }
            if receiveBuffer.isFull { pump(at: now) }
            if receiveBuffer.isFull {
                stats.receiveOverflowBytes += 1
            } else {
                receiveBuffer.push(byte)
            }
        }
        pump(at: now)
    }

    mutating func handleEmergency(_ command: EmergencyParser.Command, at now: Double) {
        stats.emergencyCommands += 1
        switch command {
        case .kill:
            kill()
        case .cancelWait:
            switch activity {
            case .heating, .pausedForUser: waitCancelled = true
            default: break
            }
        case .quickStop:
            planner.clear()
        case .promptResponse(let answer):
            promptResponses.append(answer)
            if case .pausedForUser = activity { waitCancelled = true }
        }
    }

    // MARK: Time

    /// Lets time pass up to `now`: heaters, planner, the command in progress, reports.
    mutating func advance(to now: Double) {
        updateHeaters(to: now)
        guard !isHalted else { return }
        planner.retire(upTo: now)
        pump(at: now)
        if autoreportInterval > 0, now >= nextAutoreport {
            appendTemperatureReport(tool: activeTool)
            output.append(UInt8(ascii: "\n"))
            nextAutoreport = now + realSeconds(autoreportInterval)
        }
    }

    mutating func updateHeaters(to now: Double) {
        let elapsed = (now - heatersUpdatedAt) * configuration.timeScale
        guard elapsed > 0 else { return }
        for index in hotends.indices { hotends[index].advance(by: elapsed) }
        bed.advance(by: elapsed)
        heatersUpdatedAt = now
    }

    /// The next moment at which the firmware would do something on its own, if nothing arrives before.
    func nextDeadline(after now: Double) -> Double? {
        guard !isHalted else { return nil }
        var deadline = Double.infinity
        switch activity {
        case .idle: break
        case .synchronizing, .waitingForPlannerBlock:
            if let completion = planner.nextCompletion { deadline = completion }
        case .timed(let until, _):
            deadline = until
        case .heating(let wait):
            // The heater model is sampled often enough to see it enter the window well within a report interval.
            deadline = min(wait.nextReport, now + max(0.002, realSeconds(0.05)))
        case .pausedForUser(let until):
            if let until { deadline = until }
        }
        if busy != nil { deadline = min(deadline, nextBusySignal) }
        if autoreportInterval > 0 { deadline = min(deadline, nextAutoreport) }
        if waitCancelled { deadline = now }
        return deadline.isFinite ? deadline : nil
    }

    // MARK: The main loop

    /// Marlin's `loop()`: fill the queue from the receive buffer, run the next command, again until nothing moves.
    mutating func pump(at now: Double) {
        while !isHalted {
            fillQueue(at: now)
            if !isIdle {
                guard progress(at: now) else { break }
                continue
            }
            guard !queue.isEmpty else { break }
            execute(queue.first, at: now)
        }
        if !isHalted, busy != nil, now >= nextBusySignal {
            switch busy {
            case .pausedForUser: output.appendASCII("echo:busy: paused for user\n")
            default: output.appendASCII("echo:busy: processing\n")
            }
            nextBusySignal = now + realSeconds(Self.keepaliveInterval)
        }
    }

    mutating func fillQueue(at now: Double) {
        while !queue.isFull, !receiveBuffer.isEmpty, !isHalted {
            let byte = receiveBuffer.pop()
            if skippingCutLine {
                if byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") { skippingCutLine = false }
                continue
            }
            guard assembler.feed(byte) else { continue }
            receiveLine(at: now)
            assembler.clear()
        }
    }

    mutating func receiveLine(at now: Double) {
        stats.linesReceived += 1
        var damaged: [UInt8]? = nil
        if hostFaults.rate > 0 {
            var line = assembler.line
            let eligible = LineFaultInjector.eligibleRange(ofHostLine: line)
            switch hostFaults.corrupt(&line, eligible: eligible) {
            case .bitFlip?: stats.injectedFaults.hostToPrinterBitFlips += 1; damaged = line
            case .droppedByte?: stats.injectedFaults.hostToPrinterDroppedBytes += 1; damaged = line
            case nil: break
            }
        }
        let line = damaged ?? assembler.line
        switch LineCheck.verdict(for: line, lastNumber: lastLineNumber) {
        case .rejected(let error):
            requestResend(error)
        case .accepted(let number):
            if let number { lastLineNumber = number }
            if !configuration.emergencyParser { handleCriticalCommandEarly(line, at: now) }
            if !isHalted { queue.enqueue(line) }
        }
    }

    /// Without EMERGENCY_PARSER, Marlin still acts on M108, M112 and M410 as soon as their line leaves the receive
    /// buffer, but only for a line that starts with the command: a numbered line is not recognised there.
    mutating func handleCriticalCommandEarly(_ line: [UInt8], at now: Double) {
        var start = 0
        while start < line.count, line[start] == UInt8(ascii: " ") { start += 1 }
        guard line.count - start >= 4, line[start] == UInt8(ascii: "M") else { return }
        switch (line[start + 1], line[start + 2], line[start + 3]) {
        case (UInt8(ascii: "1"), UInt8(ascii: "0"), UInt8(ascii: "8")): handleEmergency(.cancelWait, at: now)
        case (UInt8(ascii: "1"), UInt8(ascii: "1"), UInt8(ascii: "2")): handleEmergency(.kill, at: now)
        case (UInt8(ascii: "4"), UInt8(ascii: "1"), UInt8(ascii: "0")): handleEmergency(.quickStop, at: now)
        default: break
        }
    }

    /// Marlin's `gcode_line_error`: the error with the last good line, the receive buffer emptied, `Resend:` the
    /// line after it, and (`flush_and_request_resend`) an `ok`.
    mutating func requestResend(_ error: LineError) {
        stats.resendsRequested += 1
        switch error {
        case .lineNumber: stats.lineNumberErrors += 1
        case .checksumMismatch: stats.checksumErrors += 1
        case .missingChecksum: stats.missingChecksumErrors += 1
        }
        output.appendASCII("Error:")
        output.appendASCII(error.message)
        output.appendDecimal(lastLineNumber)
        output.append(UInt8(ascii: "\n"))
        if let last = receiveBuffer.last, last != UInt8(ascii: "\n"), last != UInt8(ascii: "\r") {
            skippingCutLine = true
        }
        receiveBuffer.removeAll()
        output.appendASCII("Resend: ")
        output.appendDecimal(lastLineNumber &+ 1)
        output.append(UInt8(ascii: "\n"))
        if configuration.okAfterResend { output.appendASCII("ok\n") }
    }

    // MARK: Bytes to the host

    /// Moves the pending reply bytes into `sink`, damaging lines at the printer→host error rate on the way.
    mutating func drainOutput(into sink: inout [UInt8]) {
        guard !output.isEmpty else { return }
        if printerFaults.rate == 0 {
            sink.append(contentsOf: output)
            output.removeAll(keepingCapacity: true)
            return
        }
        var lineStart = 0
        for index in output.indices where output[index] == UInt8(ascii: "\n") {
            var line = Array(output[lineStart..<index])
            switch printerFaults.corrupt(&line, eligible: 0..<line.count) {
            case .bitFlip?: stats.injectedFaults.printerToHostBitFlips += 1
            case .droppedByte?: stats.injectedFaults.printerToHostDroppedBytes += 1
            case nil: break
            }
            sink.append(contentsOf: line)
            sink.append(UInt8(ascii: "\n"))
            lineStart = index + 1
        }
        sink.append(contentsOf: output[lineStart...])
        output.removeAll(keepingCapacity: true)
    }

    mutating func countBytes(received: Int = 0, sent: Int = 0) {
        stats.bytesReceived += received
        stats.bytesSent += sent
    }
}
