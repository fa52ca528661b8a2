extension FirmwareReply {
    /// Classifies one line from the firmware, its `\n` already removed; a trailing `\r` and surrounding
    /// spaces are ignored. Never fails: a line it does not recognise (garbage, non-UTF-8 bytes) is `.console`.
    /// The plain `ok` is by far the most frequent line while printing, so it is recognised on the bytes
    /// before any string is made.
    @inlinable
    public static func parse<Bytes: Collection>(_ line: Bytes) -> FirmwareReply where Bytes.Element == UInt8 {
        if let reply = line.withContiguousStorageIfAvailable({ parse(bytes: ReplyBytes($0)) }) {
            return reply
        }
        return Array(line).withUnsafeBufferPointer { parse(bytes: ReplyBytes($0)) }
    }

    @usableFromInline
    static func parse(bytes raw: ReplyBytes) -> FirmwareReply {
        let line = raw.trimmed()
        guard !line.isEmpty else { return .console("") }

        switch line[0] {
        case UInt8(ascii: "o"):
            if line.hasPrefix("ok"), line.count == 2 || line[2] == UInt8(ascii: " ") {
                return .ok(acknowledgement(line.dropFirst(2)))
            }
            // ADVANCED_OK's counters glued to the `ok` (a space lost on a noisy line) still acknowledge.
            if line.hasPrefix("okN"), line.count > 3, line[3] >= UInt8(ascii: "0"), line[3] <= UInt8(ascii: "9") {
                return .ok(acknowledgement(line.dropFirst(2)))
            }
        case UInt8(ascii: "e"), UInt8(ascii: "E"):
            if line.hasPrefix("echo:", ignoringCase: true) {
                return echo(line.dropFirst(5).trimmed())
            }
            if line.hasPrefix("error:", ignoringCase: true) {
                return FirmwareErrorParser.parse(line.dropFirst(6).trimmed().string)
            }
        case UInt8(ascii: "b"):
            if line.hasPrefix("busy:") { return .busy(busyReason(line.dropFirst(5).trimmed())) }
        case UInt8(ascii: "R"), UInt8(ascii: "r"):
            if line.hasPrefix("resend:", ignoringCase: true), let number = resendLine(line.dropFirst(7)) {
                return .resend(line: number)
            }
            if line.hasPrefix("rs ", ignoringCase: true), let number = resendLine(line.dropFirst(3)) {
                return .resend(line: number)
            }
        case UInt8(ascii: "w"):
            if line.equals("wait") { return .wait }
        case UInt8(ascii: "W"):
            if line.hasPrefix("warning:", ignoringCase: true) {
                let message = line.dropFirst(8).trimmed().string
                if let command = FirmwareErrorParser.unknownCommand(message: message, lower: message.asciiLowercased()) {
                    return .unknownCommand(command)
                }
                return .console(line.string)
            }
        case UInt8(ascii: "s"):
            if line.equals("start") { return .start }
        case UInt8(ascii: "!"):
            if line.hasPrefix("!!") { return .error(.halted(line.dropFirst(2).trimmed().string)) }
        case UInt8(ascii: "/"):
            if line.hasPrefix("//"), let action = ActionCommandParser.parse(line) { return .action(action) }
        case UInt8(ascii: "C"), UInt8(ascii: "c"):
            if line.hasPrefix("cap:", ignoringCase: true), let capability = FirmwareInfoParser.capability(line) {
                return capability
            }
        case UInt8(ascii: "F"):
            if line.hasPrefix("FIRMWARE_NAME:") { return .firmwareInfo(FirmwareInfoParser.parse(line)) }
        case UInt8(ascii: "U"):
            if line.hasPrefix("Unknown "), let command = prusaUnknownCode(line) { return .unknownCommand(command) }
        case UInt8(ascii: "a"):
            if line.hasPrefix("area:"), let area = PrintAreaParser.parse(line) { return .printArea(area) }
        case UInt8(ascii: "M"):
            // Marlin 2.1's M211 answer puts the limits on a line of their own, `  Min:  X0.00 … Max:  X200.00 …`.
            if line.hasPrefix("Min:"), let endstops = SoftEndstopsParser.parseLimitsLine(line) {
                return .softEndstops(endstops)
            }
        default:
            break
        }

        if let report = TemperatureReportParser.parse(line) {
            return .temperature(report)
        }
        let text = line.string
        // Older Marlin and Prusa print the fault after a separate `Error:0` line, without a prefix:
        // `: Extruder switched off. MINTEMP triggered !`.
        if line.contains(ignoringCase: "temp triggered"),
           let fault = FirmwareErrorParser.heaterFault(message: text, lower: text.asciiLowercased()) {
            return .error(.heaterFault(fault))
        }
        return .console(text)
    }

    /// The words after `ok`: ADVANCED_OK's `N<line> P<planner> B<buffer>`, or an M105 report `T:… B:…`.
    private static func acknowledgement(_ words: ReplyBytes) -> Acknowledgement {
        let words = words.trimmed()
        if words.isEmpty { return .plain }
        var acknowledgement = Acknowledgement()
        var sawReading = false
        words.forEachWord { word in
            if word.firstIndex(of: UInt8(ascii: ":")) != nil {
                sawReading = true
                return false
            }
            guard word.count >= 2, let value = word.dropFirst(1).integer else { return true }
            switch word[0] {
            case UInt8(ascii: "N"): acknowledgement.lineNumber = value
            case UInt8(ascii: "P"): acknowledgement.plannerFree = value
            case UInt8(ascii: "B"): acknowledgement.bufferFree = value
            default: break
            }
            return true
        }
        if sawReading {
            acknowledgement.temperatures = TemperatureReportParser.parse(words)
        }
        return acknowledgement
    }

    /// `echo:` lines: busy keep-alives, unknown commands, the M211 report, or text to show.
    private static func echo(_ text: ReplyBytes) -> FirmwareReply {
        if text.hasPrefix("busy:", ignoringCase: true) {
            return .busy(busyReason(text.dropFirst(5).trimmed()))
        }
        if text.hasPrefix("Unknown command:", ignoringCase: true) {
            var command = text.dropFirst(16).trimmed()
            if command.count >= 1, command[0] == UInt8(ascii: "\"") { command = command.dropFirst(1) }
            if command.count >= 1, command[command.count - 1] == UInt8(ascii: "\"") {
                command = command.prefix(command.count - 1)
            }
            return .unknownCommand(command.string)
        }
        if text.hasPrefix("Unknown "), let command = prusaUnknownCode(text) { return .unknownCommand(command) }
        if text.hasPrefix("Soft endstops:", ignoringCase: true), let endstops = SoftEndstopsParser.parse(text) {
            return .softEndstops(endstops)
        }
        // M503 prints Marlin 2.1's M211 lines after `echo:`.
        if text.hasPrefix("Min:"), let endstops = SoftEndstopsParser.parseLimitsLine(text) {
            return .softEndstops(endstops)
        }
        return .echo(text.string)
    }

    /// Prusa-Firmware 3.x's `Unknown M code: M211` (`MSG_UNKNOWN_CODE`, `"Unknown %c code: %s\n"`): the command.
    private static func prusaUnknownCode(_ text: ReplyBytes) -> String? {
        guard text.contains(ignoringCase: " code:") else { return nil }
        let message = text.string
        return FirmwareErrorParser.unknownCommand(message: message, lower: message.asciiLowercased())
    }

    private static func busyReason(_ text: ReplyBytes) -> BusyReason {
        if text.equals("processing") { return .processing }
        if text.equals("paused for user") { return .pausedForUser }
        if text.equals("paused for input") { return .pausedForInput }
        return .other(text.string)
    }

    /// `12`, ` 12`, `N12`, ` N12`: the line to send again.
    private static func resendLine(_ text: ReplyBytes) -> Int? {
        var text = text.trimmed()
        if !text.isEmpty, text[0] == UInt8(ascii: "N") || text[0] == UInt8(ascii: "n") { text = text.dropFirst(1) }
        guard let (value, length) = text.leadingInteger() else { return nil }
        // Anything but digits after the number (`Resend: 12 ok` on a garbled line) would be a guess.
        return text.dropFirst(length).trimmed().isEmpty ? value : nil
    }
}
