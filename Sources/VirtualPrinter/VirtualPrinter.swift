/// A simulated Marlin-style printer controller on a pseudo-terminal: the peer that the host driver, the demo, the
/// tests and the benchmarks talk to. A host opens `devicePath` (or `linkPath`) as it would `/dev/ttyACM0`.
///
/// The firmware runs on its own thread from `start()` until `stop()` (or until the printer is released). The
/// accessors below read its state under a lock from any thread; the actions are carried out by the printer's thread
/// and return once done.
public final class VirtualPrinter: Sendable {
    /// A heater as the firmware reports it.
    public struct HeaterReading: Sendable, Equatable {
        public var actual: Double
        public var target: Double
        public var power: Int
    }

    public let configuration: VirtualPrinterConfiguration
    private let loop: PrinterLoop

    /// Creates the pseudo-terminal (and the link, if configured). The firmware starts with `start()`.
    public init(configuration: VirtualPrinterConfiguration = VirtualPrinterConfiguration()) throws {
        self.configuration = configuration
        loop = try PrinterLoop(configuration: configuration)
    }

    deinit {
        loop.stop()
    }

    /// The host's end of the pseudo-terminal, e.g. `/dev/pts/5`.
    public var devicePath: String { loop.devicePath }
    /// The configured link to `devicePath`, e.g. a `/dev/serial/by-id/…` path.
    public var linkPath: String? { loop.linkPath }

    public func start() throws {
        try loop.start()
    }

    /// Stops the firmware thread, closes the pseudo-terminal and removes the link. Safe to call more than once.
    public func stop() {
        loop.stop()
    }

    /// A controller reset, as a DTR pulse causes: queues, line number and heaters cleared, then `start` and the boot
    /// banner. Also the only way out of a halt.
    public func reset() {
        loop.perform(.reset)
    }

    /// Pulls the USB cable: the master side closes, so the host's reads fail (EOF or EIO) and the link disappears.
    public func unplug() {
        loop.perform(.unplug)
    }

    /// Makes the firmware report a heater fault and halt.
    public func injectFault(_ fault: PrinterFault) {
        loop.perform(.fault(fault))
    }

    /// Sends `//action:<action>`, as firmware does when the user pauses, resumes or cancels on the printer.
    public func sendAction(_ action: String) {
        loop.perform(.send("//action:" + action))
    }

    /// Sends an arbitrary unsolicited line.
    public func sendLine(_ line: String) {
        loop.perform(.send(line))
    }

    // MARK: What the firmware did

    /// Every command executed, in order (without line numbers and checksums), unless `recordsCommands` is off.
    public var executedCommands: [String] { loop.withController { $0.log.commands } }
    public var executedCount: Int { loop.withController { $0.log.count } }
    /// `CommandDigest` of the executed commands, in order.
    public var executedDigest: UInt64 { loop.withController { $0.log.digest.value } }
    public var stats: VirtualPrinterStats { loop.withController { $0.stats } }
    /// The last M117 message (where a pairing code appears), nil when cleared.
    public var displayMessage: String? { loop.withController { $0.displayMessage } }
    /// Whether the firmware has halted (M112 or a fault) and waits for a reset.
    public var isHalted: Bool { loop.withController { $0.isHalted } }
    /// Waits until the firmware has halted (M112, a fault, kill); false after `timeout` seconds. A host reports a
    /// halt as it sends M112, before the bytes have crossed the wire: this is the printer's side of it.
    public func waitUntilHalted(timeout: Double = 10) -> Bool { loop.waitUntil(timeout: timeout) { $0.isHalted } }
    /// The last line number accepted.
    public var lastLineNumber: Int { loop.withController { $0.lastLineNumber } }
    /// Answers received with M876 through the emergency parser.
    public var promptResponses: [Int] { loop.withController { $0.promptResponses } }
    /// Whether a host has the port open.
    public var isHostConnected: Bool { loop.isHostConnected }

    /// Waits until the printer has seen a host open the port (or close it, with `connected: false`). A host that
    /// closes and reopens within a few milliseconds can look like one connection, so a test that reconnects waits
    /// for the close to be seen first. False when `timeout` seconds pass first.
    @discardableResult
    public func waitForHost(connected: Bool = true, timeout: Double = 10) -> Bool {
        loop.waitForHost(connected: connected, timeout: timeout)
    }

    public var hotendTemperatures: [HeaterReading] {
        loop.withController { controller in
            controller.hotends.map { HeaterReading(actual: $0.temperature, target: $0.target, power: $0.power) }
        }
    }

    public var bedTemperature: HeaterReading {
        loop.withController { HeaterReading(actual: $0.bed.temperature, target: $0.bed.target, power: $0.bed.power) }
    }
}
