import Foundation
import Glibc
import Logging

/// The virtual printer's I/O: one dedicated thread that polls the pseudo-terminal, moves bytes between it and the
/// firmware (through emulated wires when a baud rate is set), and sleeps until the next byte or firmware deadline.
/// Everything the firmware owns is guarded by `state`, which other threads take to read it or to post requests.
final class PrinterLoop: @unchecked Sendable {
    enum Request {
        case reset
        case send(String)
        case fault(PrinterFault)
        case unplug
    }

    let configuration: VirtualPrinterConfiguration
    let devicePath: String
    let linkPath: String?
    let logger = Logger(label: "VirtualPrinter")

    // Guarded by `state`.
    let state = NSCondition()
    var controller: MarlinController
    var requests: [Request] = []
    var requestsSubmitted = 0
    var requestsCompleted = 0
    var running = false
    var stopRequested = false
    var finished = false
    var unplugged = false
    var hostConnected = false
    var thread: pthread_t?

    // Owned by the loop thread while it runs.
    var master: Int32
    let wakeReader: Int32
    let wakeWriter: Int32
    var logDescriptor: Int32 = -1
    var incoming: SerialWire?
    var outgoing: SerialWire?
    var readBuffer = [UInt8](repeating: 0, count: 65_536)
    var arrivals: [UInt8] = []
    var replies: [UInt8] = []
    var logBytes: [UInt8] = []
    var pendingWrite: [UInt8] = []
    var pendingWriteOffset = 0
    var processedUntil: Double
    var nextDeadline: Double?

    /// What the host may have written but the wire has not yet delivered, as a UART driver's buffer holds it; a host
    /// that writes more blocks, as it would on a real port.
    static let wireBacklogLimit = 4096
    /// How often a port nobody has open is checked for a host arriving.
    static let hangUpPollInterval = 0.005

    init(configuration: VirtualPrinterConfiguration) throws {
        self.configuration = configuration
        let terminal = try PseudoTerminal.open()
        master = terminal.masterDescriptor
        devicePath = terminal.devicePath
        var pipeEnds: [Int32] = [0, 0]
        guard pipe(&pipeEnds) == 0 else {
            close(master)
            throw VirtualPrinterError("pipe")
        }
        wakeReader = pipeEnds[0]
        wakeWriter = pipeEnds[1]
        for descriptor in pipeEnds {
            _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
            _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
        }
        if let logFile = configuration.logFile {
            logDescriptor = open(logFile, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
            if logDescriptor < 0 {
                let error = VirtualPrinterError("open \(logFile)")
                close(master); close(wakeReader); close(wakeWriter)
                throw error
            }
        }
        if let link = configuration.byIdLink {
            do {
                try DeviceLink.create(at: link, to: terminal.devicePath)
            } catch {
                close(master); close(wakeReader); close(wakeWriter)
                if logDescriptor >= 0 { close(logDescriptor) }
                throw error
            }
        }
        linkPath = configuration.byIdLink
        if let baudRate = configuration.baudRate {
            incoming = SerialWire(baudRate: baudRate)
            outgoing = SerialWire(baudRate: baudRate)
        }
        let now = LibC.monotonicNow()
        processedUntil = now
        controller = MarlinController(configuration: configuration, now: now)
        // A board that does not reset on open has been running since power-up, silently.
        controller.reset(at: now)
        controller.output.removeAll()
        controller.stats.resets = 0
    }

    deinit {
        shutDown()
    }

    // MARK: Other threads

    func withController<Result>(_ body: (inout MarlinController) -> Result) -> Result {
        state.lock()
        defer { state.unlock() }
        return body(&controller)
    }

    var isHostConnected: Bool {
        state.lock()
        defer { state.unlock() }
        return hostConnected
    }

    /// Waits until a host has (or no longer has) the port open, as the loop last saw it; false on timeout.
    func waitForHost(connected: Bool, timeout: Double) -> Bool {
        let deadline = Date(timeIntervalSinceNow: timeout)
        state.lock()
        defer { state.unlock() }
        while hostConnected != connected {
            guard running, state.wait(until: deadline) else { break }
        }
        return hostConnected == connected
    }

    /// Waits until the firmware's state satisfies `condition`, looked at after each turn of the loop; false on
    /// timeout or when the loop stops first.
    func waitUntil(timeout: Double, _ condition: (MarlinController) -> Bool) -> Bool {
        let deadline = Date(timeIntervalSinceNow: timeout)
        state.lock()
        defer { state.unlock() }
        while !condition(controller) {
            guard running, state.wait(until: deadline) else { break }
        }
        return condition(controller)
    }

    func start() throws {
        state.lock()
        defer { state.unlock() }
        guard !running, !finished else { return }
        var thread = pthread_t()
        let context = Unmanaged.passRetained(self).toOpaque()
        let status = pthread_create(&thread, nil, { context in
            let loop = Unmanaged<PrinterLoop>.fromOpaque(context!).takeRetainedValue()
            loop.run()
            return nil
        }, context)
        guard status == 0 else {
            Unmanaged<PrinterLoop>.fromOpaque(context).release()
            throw VirtualPrinterError("pthread_create", code: status)
        }
        self.thread = thread
        running = true
    }

    /// Hands a request to the loop and waits until it has been carried out (at once when the loop is not running).
    func perform(_ request: Request) {
        state.lock()
        defer { state.unlock() }
        guard running else {
            if !finished { apply(request, at: LibC.monotonicNow()) }
            return
        }
        requests.append(request)
        requestsSubmitted += 1
        let ticket = requestsSubmitted
        wake()
        while running, requestsCompleted < ticket { state.wait() }
    }

    /// Stops the loop, joins its thread, closes the descriptors and removes the link. Idempotent.
    func stop() {
        state.lock()
        stopRequested = true
        let thread = running ? self.thread : nil
        self.thread = nil
        state.unlock()
        wake()
        if let thread { pthread_join(thread, nil) }
        shutDown()
    }

    func shutDown() {
        state.lock()
        defer { state.unlock() }
        guard !finished else { return }
        finished = true
        running = false
        closeMaster()
        close(wakeReader)
        close(wakeWriter)
        if logDescriptor >= 0 {
            controller.log.takeUnwritten(into: &logBytes)
            writeAll(logDescriptor, logBytes)
            close(logDescriptor)
            logDescriptor = -1
        }
        state.broadcast()
    }

    func wake() {
        var byte: UInt8 = 1
        _ = write(wakeWriter, &byte, 1)
    }
}
