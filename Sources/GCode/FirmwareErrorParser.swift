/// Classifies the text after `Error:` (Marlin, Prusa) or `Error: ` (RepRapFirmware). Errors are rare, so
/// this side works on a lower-cased String; wording differs in case between firmwares.
enum FirmwareErrorParser {
    static func parse(_ message: String) -> FirmwareReply {
        let lower = message.asciiLowercased()

        // The line-protocol errors that precede a `Resend:`.
        if lower.hasPrefix("line number is not last line number") {
            return .error(.lineNumberMismatch(lastLine: lastLine(in: lower)))
        }
        if lower.hasPrefix("checksum mismatch") {
            return .error(.checksumMismatch(lastLine: lastLine(in: lower)))
        }
        if lower.hasPrefix("no checksum with line number") {
            return .error(.missingChecksum(lastLine: lastLine(in: lower)))
        }
        if lower.hasPrefix("no line number with checksum") {
            return .error(.missingLineNumber(lastLine: lastLine(in: lower)))
        }
        if let damaged = damagedLineError(lower) { return .error(damaged) }

        // Marlin's RX_BUFFER_MONITOR (`Marlin/src/gcode/queue.cpp`, `serial_data_available`):
        // `RX BUF overflow, increase RX_BUFFER_SIZE: <bytes waiting>`.
        if lower.hasPrefix("rx buf overflow") {
            return .error(.receiveBufferOverflow(bytesWaiting: trailingInteger(in: lower)))
        }

        if let fault = heaterFault(message: message, lower: lower) {
            return .error(.heaterFault(fault))
        }
        if lower.contains("printer halted") || lower.contains("kill() called")
            || lower.contains("printer stopped due to errors") {
            return .error(.halted(message))
        }
        if let command = unknownCommand(message: message, lower: lower) {
            return .unknownCommand(command)
        }
        return .error(.other(message))
    }

    /// Heater faults of the three firmware families:
    /// Marlin `Thermal Runaway, system stopped! Heater_ID: bed` (also MINTEMP, MAXTEMP, Heating failed,
    /// Thermal Malfunction), Prusa `HEATBED THERMAL RUNAWAY`, `THERMAL RUNAWAY (PREHEAT HOTEND)`,
    /// `: Extruder switched off. MINTEMP triggered !`, and RepRapFirmware
    /// `Heater 1 fault: temperature rising much more slowly than the expected 1.8°C/sec`.
    static func heaterFault(message: String, lower: String) -> HeaterFault? {
        let kind: HeaterFault.Kind
        if lower.contains("thermal runaway") || lower.contains("thermal malfunction") {
            kind = .thermalRunaway
        } else if lower.contains("mintemp") {
            kind = .minTemp
        } else if lower.contains("maxtemp") {
            kind = .maxTemp
        } else if lower.contains("heating failed") {
            kind = .heatingFailed
        } else if let rrfHeater = repRapFaultyHeater(lower) {
            // RepRapFirmware stops a heater whose temperature does not follow its model: slow rise while
            // heating up, or an excursion once at temperature (Marlin's thermal-runaway situation).
            let excursion = lower.contains("excursion")
            return HeaterFault(kind: excursion ? .thermalRunaway : .heatingFailed, heater: rrfHeater, message: message)
        } else {
            return nil
        }
        return HeaterFault(kind: kind, heater: heaterName(message: message, lower: lower), message: message)
    }

    private static func heaterName(message: String, lower: String) -> String? {
        if let marker = lower.firstRange(of: "heater_id:") {
            // ASCII folding keeps every byte in place, so the offset holds in the original text.
            let offset = lower.utf8.distance(from: lower.utf8.startIndex, to: marker.upperBound)
            let rest = message.utf8.dropFirst(offset)
            let name = String(decoding: rest, as: UTF8.self).trimmingSpaces()
            return name.isEmpty ? nil : name
        }
        if lower.contains("bed") { return "bed" }
        if lower.contains("chamber") { return "chamber" }
        return nil
    }

    /// `heater 1 fault` or `fault on heater 1` → "1".
    private static func repRapFaultyHeater(_ lower: String) -> String? {
        let words = lower.split(whereSeparator: { $0 == " " || $0 == ":" || $0 == "," })
        for index in words.indices.dropLast() where words[index] == "heater" {
            let number = words[index + 1]
            guard number.allSatisfy(\.isASCIIDigit) else { continue }
            let faultAfter = index + 2 < words.count && words[index + 2] == "fault"
            let faultBefore = index >= 2 && words[index - 1] == "on" && words[index - 2] == "fault"
            if faultAfter || faultBefore { return String(number) }
        }
        return nil
    }

    /// RepRapFirmware's `Bad command: XYZ` and the `… G999: unknown/unsupported …` wordings: the command.
    static func unknownCommand(message: String, lower: String) -> String? {
        if lower.hasPrefix("bad command:") {
            let command = String(message.dropFirst("bad command:".count)).trimmingSpaces()
            return command.isEmpty ? nil : command
        }
        guard lower.contains("unknown") || lower.contains("not supported") || lower.contains("unsupported") else {
            return nil
        }
        let words = message.split(whereSeparator: { $0 == " " || $0 == ":" || $0 == "," || $0 == "\"" })
        for word in words {
            guard let letter = word.first, "GMTgmt".contains(letter), word.count > 1 else { continue }
            let number = word.dropFirst()
            if number.allSatisfy({ $0.isASCIIDigit || $0 == "." }), number.first?.isASCIIDigit == true {
                return String(word)
            }
        }
        return nil
    }

    /// The number after the last `:` (`…RX_BUFFER_SIZE: 127` → 127).
    private static func trailingInteger(in lower: String) -> Int? {
        guard let colon = lower.lastIndex(of: ":") else { return nil }
        return Int(String(lower[lower.index(after: colon)...]).trimmingSpaces())
    }

    /// Noise on the link damages these lines too (`checksum mimatch, Last Line: 97`; the virtual printer's faults
    /// and real cables alike): text within two edits of one of the four line-protocol errors, followed by its
    /// `Last Line:`, is that error. Its `Last Line:` is what the resend logic needs most.
    private static func damagedLineError(_ lower: String) -> FirmwareError? {
        guard let marker = lower.firstRange(of: ", last line:"), let last = lastLine(in: lower) else { return nil }
        let head = Array(lower[..<marker.lowerBound].unicodeScalars)
        let known: [(String, FirmwareError)] = [
            ("line number is not last line number+1", .lineNumberMismatch(lastLine: last)),
            ("checksum mismatch", .checksumMismatch(lastLine: last)),
            ("no checksum with line number", .missingChecksum(lastLine: last)),
            ("no line number with checksum", .missingLineNumber(lastLine: last)),
        ]
        for (text, error) in known where editDistance(head, Array(text.unicodeScalars), atMost: 2) <= 2 { return error }
        return nil
    }

    /// Levenshtein distance, given up (returning `bound + 1`) once it is sure to exceed `bound`.
    private static func editDistance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar], atMost bound: Int) -> Int {
        guard abs(a.count - b.count) <= bound else { return bound + 1 }
        var previous = Array(0...b.count)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...max(b.count, 1) where !b.isEmpty {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            if current.min()! > bound { return bound + 1 }
            previous = current
        }
        return previous[b.count]
    }

    private static func lastLine(in lower: String) -> Int? {
        guard let marker = lower.firstRange(of: "last line:") else { return nil }
        let digits = lower[marker.upperBound...].drop(while: { $0 == " " }).prefix(while: \.isASCIIDigit)
        return Int(digits)
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}

extension String {
    /// Lower-cases A–Z only, so that UTF-8 offsets stay the same as in the original text.
    func asciiLowercased() -> String {
        String(decoding: utf8.map { ReplyBytes.lowercased($0) }, as: UTF8.self)
    }

    func trimmingSpaces() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let last = scalars.lastIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        return String(scalars[first...last])
    }
}
