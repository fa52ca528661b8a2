import GCode

/// How the host protocol words commands, states and errors.
extension HostProtocolStateMachine {
    /// A console or script line as the firmware should see it: comment stripped, trimmed.
    static func cleanCommand(_ text: String) -> [UInt8] {
        var bytes = Array(text.utf8)
        if let semicolon = bytes.firstIndex(of: UInt8(ascii: ";")) { bytes.removeSubrange(semicolon...) }
        bytes = GCodeComments.removingParenComments(bytes)
        while let last = bytes.last, last == 0x20 || last == 0x09 || last == 0x0D || last == 0x0A { bytes.removeLast() }
        while let first = bytes.first, first == 0x20 || first == 0x09 { bytes.removeFirst() }
        return bytes
    }

    /// Whole seconds without a fraction ("5"), else as many decimals as needed ("0.3").
    static func secondsText(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        if attoseconds == 0 { return String(seconds) }
        return String(Double(seconds) + Double(attoseconds) / 1e18)
    }

    static func describe(_ state: PrinterState) -> String {
        switch state {
        case .connecting: return "connecting"
        case .ready: return "ready"
        case .printing: return "printing"
        case .pausing: return "pausing"
        case .paused: return "paused"
        case .cancelling: return "cancelling"
        case .halted(let reason): return "halted (\(reason))"
        case .disconnected(let reason): return "disconnected (\(reason))"
        }
    }

    static func describe(_ error: FirmwareError) -> String {
        switch error {
        case .lineNumberMismatch(let last): return "line number mismatch (last line \(last.map(String.init) ?? "?"))"
        case .checksumMismatch(let last): return "checksum mismatch (last line \(last.map(String.init) ?? "?"))"
        case .missingChecksum(let last): return "no checksum with line number (last line \(last.map(String.init) ?? "?"))"
        case .missingLineNumber(let last): return "no line number with checksum (last line \(last.map(String.init) ?? "?"))"
        case .halted(let text): return text
        case .heaterFault(let fault): return fault.message
        case .receiveBufferOverflow(let waiting):
            return "receive buffer overflow (\(waiting.map { "\($0) bytes waiting" } ?? "bytes may be lost"))"
        case .other(let text): return text
        }
    }
}
