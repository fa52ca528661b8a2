/// Counters of what crossed the link and what the firmware did with it.
public struct VirtualPrinterStats: Sendable, Equatable, CustomStringConvertible {
    /// Faults injected on the link, by direction and kind.
    public struct InjectedFaults: Sendable, Equatable {
        public var hostToPrinterBitFlips = 0
        public var hostToPrinterDroppedBytes = 0
        public var printerToHostBitFlips = 0
        public var printerToHostDroppedBytes = 0

        public init() {}

        public var hostToPrinter: Int { hostToPrinterBitFlips + hostToPrinterDroppedBytes }
        public var printerToHost: Int { printerToHostBitFlips + printerToHostDroppedBytes }
        public var total: Int { hostToPrinter + printerToHost }
    }

    /// Complete, non-empty lines the firmware took from its receive buffer.
    public var linesReceived = 0
    /// Commands executed from the queue (the length of the command log).
    public var commandsExecuted = 0
    /// `Resend:` requests sent, whatever the reason.
    public var resendsRequested = 0
    public var lineNumberErrors = 0
    public var checksumErrors = 0
    public var missingChecksumErrors = 0
    /// M108/M112/M410/M876 acted on by the emergency parser.
    public var emergencyCommands = 0
    public var injectedFaults = InjectedFaults()
    /// Bytes lost because they arrived while the receive buffer was full.
    public var receiveOverflowBytes = 0
    /// Bytes read from the host and bytes written to it.
    public var bytesReceived = 0
    public var bytesSent = 0
    /// Controller resets (boot, port open, `reset()`).
    public var resets = 0

    public init() {}

    /// Same as `receiveOverflowBytes`.
    public var rxOverflowBytes: Int { receiveOverflowBytes }

    public var description: String {
        """
        lines received:        \(linesReceived)
        commands executed:     \(commandsExecuted)
        resends requested:     \(resendsRequested) (line number \(lineNumberErrors), checksum \(checksumErrors), \
        no checksum \(missingChecksumErrors))
        emergency commands:    \(emergencyCommands)
        injected faults:       host→printer \(injectedFaults.hostToPrinterBitFlips) bit flips, \
        \(injectedFaults.hostToPrinterDroppedBytes) dropped bytes; printer→host \
        \(injectedFaults.printerToHostBitFlips) bit flips, \(injectedFaults.printerToHostDroppedBytes) dropped bytes
        RX overflow bytes:     \(receiveOverflowBytes)
        bytes in / out:        \(bytesReceived) / \(bytesSent)
        resets:                \(resets)
        """
    }
}
