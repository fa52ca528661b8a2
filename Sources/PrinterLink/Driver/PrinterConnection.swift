#if canImport(Glibc)
import Glibc
#endif
import Foundation
import GCode
import Logging
import Synchronization

/// Runs the host protocol state machine over an open serial port on a thread of its own: poll(2) on the
/// port and a wake-up self-pipe, bytes in and out, time for the machine's deadlines. Everything it learns
/// comes out as `events`; `snapshot()` gives any thread a view of the machine's state (see `LinkSnapshot`).
///
/// A dedicated thread rather than an event loop: the serial hot path is one read, a parse and one write per
/// batch of acknowledgements, and a thread that owns the port keeps that path free of hops and allocations.
public final class PrinterConnection: Sendable {
    public let events: AsyncStream<LinkEvent>
    public let port: SerialPort

    private enum Request {
        case startJob(JobSourceHandOver, totalCommands: Int)
        case pause
        case resume
        case cancel
        case emergencyStop
        case command(String, id: UInt64)
        case close
    }

    private struct Shared {
        var requests: [Request] = []
        var snapshot = LinkSnapshot()
        var waiters: [UInt64: CheckedContinuation<[String], any Error>] = [:]
        var nextCommandID: UInt64 = 1
        var finished = false
        var started = false
    }

    private let settings: LinkSettings
    private let logger: Logger
    private let continuation: AsyncStream<LinkEvent>.Continuation
    private let wakeup = Wakeup()
    private let shared = Mutex(Shared())
    private let done = DispatchSemaphore(value: 0)

    public init(port: SerialPort, settings: LinkSettings = LinkSettings(), logger: Logger = Logger(label: "3dp-agent.link")) {
        self.port = port
        self.settings = settings
        self.logger = logger
        (events, continuation) = AsyncStream.makeStream(of: LinkEvent.self)
    }

    /// Starts the link's thread; it says hello to the printer at once.
    public func start() {
        let thread = Thread { [self] in
            runLoop()
            done.signal()
        }
        thread.name = "printer-link"
        thread.stackSize = 1 << 20
        shared.withLock { $0.started = true }
        thread.start()
    }

    public func snapshot() -> LinkSnapshot { shared.withLock { $0.snapshot } }

    /// Prints the commands of `source`, which belongs to the link's thread from now on; `totalCommands` is for
    /// progress (from a validation pass).
    public func startJob(_ source: sending any JobSource, totalCommands: Int) throws {
        let state = snapshot().state
        guard state == .ready else { throw PrinterLinkError.notReady(state.description) }
        submit(.startJob(JobSourceHandOver(source), totalCommands: totalCommands))
    }

    public func pause() { submit(.pause) }
    public func resume() { submit(.resume) }
    /// Stops the job and runs the cancel script, which switches the heaters off.
    public func cancel() { submit(.cancel) }
    public func emergencyStop() { submit(.emergencyStop) }

    /// Sends one console command and returns the lines the firmware answered before its `ok`.
    public func send(_ command: String) async throws -> [String] {
        try await withCheckedThrowingContinuation { waiter in
            let accepted: Bool = shared.withLock { shared in
                guard !shared.finished else { return false }
                let id = shared.nextCommandID
                shared.nextCommandID += 1
                shared.waiters[id] = waiter
                shared.requests.append(.command(command, id: id))
                return true
            }
            if accepted { wakeup.signal() } else { waiter.resume(throwing: PrinterLinkError.closed) }
        }
    }

    /// Stops the thread and closes the port. Safe to call more than once.
    public func close() {
        let running: Bool = shared.withLock { shared in
            guard shared.started, !shared.finished else { return false }
            shared.requests.append(.close)
            return true
        }
        if running {
            wakeup.signal()
            done.wait()
            done.signal() // let other callers of close() through too
        }
        port.close()
    }

    private func submit(_ request: Request) {
        shared.withLock { $0.requests.append(request) }
        wakeup.signal()
    }

    // MARK: - The link's thread

    private func runLoop() {
        var loop = LinkLoop(settings: settings, port: port, logger: logger)
        loop.perform(loop.machine.portOpened(now: ContinuousClock.now), connection: self)
        while true {
            let requests = shared.withLock { shared -> [Request] in
                let taken = shared.requests
                shared.requests.removeAll(keepingCapacity: true)
                return taken
            }
            var closing = false
            for request in requests {
                let now = ContinuousClock.now
                switch request {
                case .startJob(let handOver, let total):
                    guard let source = handOver.take() else { continue }
                    loop.source = source
                    loop.perform(loop.machine.startJob(totalCommands: total, fileSize: source.fileSize, now: now), connection: self)
                case .pause: loop.perform(loop.machine.pause(now: now), connection: self)
                case .resume: loop.perform(loop.machine.resume(now: now), connection: self)
                case .cancel: loop.perform(loop.machine.cancel(now: now), connection: self)
                case .emergencyStop: loop.perform(loop.machine.emergencyStop(now: now), connection: self)
                case .command(let text, let id): loop.perform(loop.machine.sendCommand(text, id: id, now: now), connection: self)
                case .close: closing = true
                }
            }
            if closing { break }
            loop.feedJob(connection: self)
            loop.reportProgressIfDue(connection: self)
            loop.flush(connection: self)
            publish(loop)
            if loop.isFinished { break }
            loop.wait(wakeup: wakeup, connection: self)
        }
        finish(loop)
    }

    fileprivate func report(_ event: LinkEvent) {
        switch event {
        case .commandCompleted(let id, let replies):
            let waiter = shared.withLock { $0.waiters.removeValue(forKey: id) }
            waiter?.resume(returning: replies)
        case .commandFailed(let id, let reason):
            let waiter = shared.withLock { $0.waiters.removeValue(forKey: id) }
            waiter?.resume(throwing: PrinterLinkError.commandFailed(reason))
        case .stateChanged(let state):
            // Whoever reacts to this event must find the same state in a snapshot.
            shared.withLock { $0.snapshot.state = state }
        default:
            break
        }
        continuation.yield(event)
    }

    /// The machine is the only source of the printer's state; the snapshot is its view for other threads, taken
    /// after each turn of the loop. Temperatures and progress leave as events only.
    private func publish(_ loop: LinkLoop) {
        let snapshot = LinkSnapshot(of: loop.machine)
        shared.withLock { $0.snapshot = snapshot }
    }

    private func finish(_ loop: LinkLoop) {
        publish(loop)
        let waiters = shared.withLock { shared -> [CheckedContinuation<[String], any Error>] in
            shared.finished = true
            let pending = Array(shared.waiters.values)
            shared.waiters.removeAll()
            return pending
        }
        for waiter in waiters { waiter.resume(throwing: PrinterLinkError.closed) }
        continuation.finish()
    }
}

/// The state the link's thread owns: the machine, the job source, the partial line and unwritten bytes.
private struct LinkLoop {
    var machine: HostProtocolStateMachine
    var source: JobSource?
    let port: SerialPort
    let logger: Logger
    private var framer = ReplyLineFramer()
    private var output: [UInt8] = []
    private var outputStart = 0
    private var readBuffer = [UInt8](repeating: 0, count: 1 << 16)
    private var lastProgressReport: ContinuousClock.Instant?
    private var lastReportedConfirmed = -1
    private(set) var isFinished = false

    init(settings: LinkSettings, port: SerialPort, logger: Logger) {
        self.machine = HostProtocolStateMachine(settings: settings)
        self.port = port
        self.logger = logger
    }

    mutating func perform(_ actions: [HostProtocolStateMachine.Action], connection: PrinterConnection) {
        for action in actions {
            switch action {
            case .write(let bytes):
                output.append(contentsOf: bytes)
            case .report(let event):
                log(event)
                connection.report(event)
            case .closeJobSource:
                source = nil
            case .closeLink:
                isFinished = true
            }
        }
    }

    /// Reads job lines while the machine has room for them.
    mutating func feedJob(connection: PrinterConnection) {
        guard let reader = source else { return }
        while machine.wantsJobLine {
            let now = ContinuousClock.now
            do {
                if let line = try reader.next() {
                    perform(machine.submitJobLine(command: line.command, fileLine: line.fileLine,
                                                  endOffset: line.endOffset, now: now), connection: connection)
                } else {
                    perform(machine.jobSourceExhausted(now: now), connection: connection)
                    break
                }
            } catch {
                perform(machine.jobSourceFailed(reason: "reading the G-code file failed: \(error)", now: now), connection: connection)
                break
            }
        }
    }

    /// Progress goes out on the driver's clock, not per line: a printer confirms thousands of lines a second.
    mutating func reportProgressIfDue(connection: PrinterConnection) {
        guard let progress = machine.jobProgress, progress.confirmedCommands != lastReportedConfirmed else { return }
        let now = ContinuousClock.now
        if let last = lastProgressReport, now < last + machine.settings.progressInterval { return }
        lastProgressReport = now
        lastReportedConfirmed = progress.confirmedCommands
        connection.report(.jobProgress(progress))
    }

    /// Writes what it can without blocking; a port that is gone is reported as a lost link.
    mutating func flush(connection: PrinterConnection) {
        if logger.logLevel <= .trace, outputStart < output.count {
            for line in output[outputStart...].split(separator: UInt8(ascii: "\n")) {
                logger.trace("send: \(Self.redactingDisplayText(String(decoding: line, as: UTF8.self)))")
            }
            logger.trace("window: \(machine.linesInFlight) lines in flight of \(machine.currentWindow) \(machine.inFlightDescription)")
        }
        while outputStart < output.count {
            let written = output.withUnsafeBytes { raw in
                Glibc.write(port.fileDescriptor, raw.baseAddress! + outputStart, output.count - outputStart)
            }
            if written > 0 {
                outputStart += written
                continue
            }
            let failure = LinkFailure.classify(errno: errno)
            if failure == .transient { break }
            lost("write failed: \(String(cString: strerror(errno)))", connection: connection)
            return
        }
        if outputStart == output.count {
            output.removeAll(keepingCapacity: true)
            outputStart = 0
        }
    }

    /// M117 text is for the person at the printer and may be a pairing code: the log keeps only that it was sent.
    static func redactingDisplayText(_ line: String) -> String {
        guard let range = line.range(of: "M117 ") else { return line }
        return String(line[..<range.upperBound]) + "(display text not logged)"
    }

    /// Blocks in poll until bytes arrive, a request wakes it, or the machine's next deadline.
    mutating func wait(wakeup: Wakeup, connection: PrinterConnection) {
        var timeout: Int32 = -1
        if let deadline = machine.nextDeadline {
            let now = ContinuousClock.now
            timeout = deadline <= now ? 0 : Self.pollMilliseconds(now.duration(to: deadline))
        }
        var fds = [
            pollfd(fd: port.fileDescriptor, events: Int16(POLLIN) | (outputStart < output.count ? Int16(POLLOUT) : 0), revents: 0),
            pollfd(fd: wakeup.descriptor, events: Int16(POLLIN), revents: 0),
        ]
        let ready = poll(&fds, 2, timeout)
        if ready < 0 {
            if errno == EINTR { return }
            lost("poll failed: \(String(cString: strerror(errno)))", connection: connection)
            return
        }
        if fds[1].revents != 0 { wakeup.drain() }
        let portEvents = fds[0].revents
        if portEvents & Int16(POLLIN) != 0 {
            readAvailable(connection: connection)
        } else if let failure = LinkFailure.classify(pollEvents: portEvents), failure.isLinkLost {
            lost("the port hung up (unplugged or powered off)", connection: connection)
            return
        }
        if let deadline = machine.nextDeadline, ContinuousClock.now >= deadline {
            perform(machine.tick(now: ContinuousClock.now), connection: connection)
        }
    }

    private mutating func readAvailable(connection: PrinterConnection) {
        let descriptor = port.fileDescriptor
        let count = readBuffer.withUnsafeMutableBytes { raw in
            Glibc.read(descriptor, raw.baseAddress!, raw.count)
        }
        if let failure = LinkFailure.classify(readResult: count, errno: errno, pollReportedReadable: true) {
            if failure.isLinkLost || count == 0 {
                lost("the port hung up (unplugged or powered off)", connection: connection)
            }
            return
        }
        let now = ContinuousClock.now
        var bytes = readBuffer[0..<count]
        while case .line(let line) = framer.parseStep(&bytes) {
            perform(machine.received(FirmwareReply.parse(line), now: now), connection: connection)
        }
    }

    /// Whole milliseconds, rounded up so that the wake-up is never early, at most a minute.
    static func pollMilliseconds(_ duration: Duration) -> Int32 {
        let (seconds, attoseconds) = duration.components
        let milliseconds = seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        return Int32(min(max(milliseconds, 0), 60_000))
    }

    private mutating func lost(_ reason: String, connection: PrinterConnection) {
        output.removeAll()
        outputStart = 0
        perform(machine.linkLost(reason: reason, now: ContinuousClock.now), connection: connection)
        isFinished = true
    }

    private func log(_ event: LinkEvent) {
        switch event {
        case .stateChanged(let state): logger.info("printer \(state.description)")
        case .connected(let identity):
            logger.info("connected: \(identity.info?.firmwareName ?? "unknown firmware")",
                        metadata: ["capabilities": "\(identity.capabilities.filter(\.value).keys.sorted().joined(separator: ","))"])
        case .firmwareError(let error): logger.warning("firmware error: \(HostProtocolStateMachine.describe(error))")
        case .windowFallback(let reason): logger.warning("one line in flight from now on: \(reason)")
        case .controllerReset: logger.warning("the printer's controller reset")
        case .jobFinished(let outcome, let progress):
            logger.info("job \(outcome)", metadata: ["confirmed": "\(progress.confirmedCommands)/\(progress.totalCommands)"])
        case .console(let text): logger.trace("recv: \(text)")
        case .message(let text): logger.info("printer says: \(text)")
        default: break
        }
    }
}
