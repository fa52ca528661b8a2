/// Marlin's EMERGENCY_PARSER: a byte-at-a-time matcher that sees bytes as they come off the wire, before the receive
/// buffer and the command queue, so that M108, M112, M410 and M876 act even while the queue is full or a command is
/// waiting. Like Marlin's, it accepts an `N<number>` prefix and acts at the end of the line.
public struct EmergencyParser: Sendable {
    public enum Command: Equatable, Sendable {
        /// M108: stop waiting for heaters or for the user.
        case cancelWait
        /// M112: emergency stop; the firmware halts.
        case kill
        /// M410: abort all planned moves.
        case quickStop
        /// M876 S<n>: the host's answer to a prompt.
        case promptResponse(Int)
    }

    private enum State {
        case reset, lineNumber, m, m1, m10, m108, m11, m112, m4, m41, m410, m8, m87, m876, m876S, m876SN, ignore
    }

    private var state = State.reset
    private var response = 0

    public init() {}

    /// Feeds one byte; returns the command whose line this byte ends, if any.
    public mutating func consume(_ byte: UInt8) -> Command? {
        let isEndOfLine = byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r")
        switch state {
        case .reset:
            switch byte {
            case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"): break
            case UInt8(ascii: "N"): state = .lineNumber
            case UInt8(ascii: "M"): state = .m
            default: state = .ignore
            }
        case .lineNumber:
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: " "): break
            case UInt8(ascii: "M"): state = .m
            default: state = isEndOfLine ? .reset : .ignore
            }
        case .m:
            switch byte {
            case UInt8(ascii: " "): break
            case UInt8(ascii: "1"): state = .m1
            case UInt8(ascii: "4"): state = .m4
            case UInt8(ascii: "8"): state = .m8
            default: state = isEndOfLine ? .reset : .ignore
            }
        case .m1:
            switch byte {
            case UInt8(ascii: "0"): state = .m10
            case UInt8(ascii: "1"): state = .m11
            default: state = isEndOfLine ? .reset : .ignore
            }
        case .m10: state = byte == UInt8(ascii: "8") ? .m108 : (isEndOfLine ? .reset : .ignore)
        case .m11: state = byte == UInt8(ascii: "2") ? .m112 : (isEndOfLine ? .reset : .ignore)
        case .m4: state = byte == UInt8(ascii: "1") ? .m41 : (isEndOfLine ? .reset : .ignore)
        case .m41: state = byte == UInt8(ascii: "0") ? .m410 : (isEndOfLine ? .reset : .ignore)
        case .m8: state = byte == UInt8(ascii: "7") ? .m87 : (isEndOfLine ? .reset : .ignore)
        case .m87: state = byte == UInt8(ascii: "6") ? .m876 : (isEndOfLine ? .reset : .ignore)
        case .m876:
            switch byte {
            case UInt8(ascii: " "): break
            case UInt8(ascii: "S"): state = .m876S
            default: state = isEndOfLine ? .reset : .ignore
            }
        case .m876S:
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                state = .m876SN
                response = Int(byte - UInt8(ascii: "0"))
            default:
                if isEndOfLine { state = .reset }
            }
        case .ignore:
            if isEndOfLine { state = .reset }
        case .m108, .m112, .m410, .m876SN:
            // Marlin keeps the matched state through the rest of the line (`*checksum` included) and acts at its end.
            guard isEndOfLine else { return nil }
            let matched = state
            state = .reset
            switch matched {
            case .m108: return .cancelWait
            case .m112: return .kill
            case .m410: return .quickStop
            default: return .promptResponse(response)
            }
        }
        return nil
    }
}
