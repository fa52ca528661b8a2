/// Commands whose `ok` comes only when something physical has finished: homing, probing, heating and waiting for
/// the temperature, waiting for the moves or for the user. The host must not time them out (the firmware stays
/// silent but for `busy:` and ` W:` lines), and whoever asked for one must be ready to wait minutes for its answer.
/// Inlinable: the host asks this of every line it streams.
public enum LongCommand {
    /// Whether the line's first word is such a command: G4 (dwell), G28, G29, G30, G32–G35 (homing, probing,
    /// tramming), G76, G425 (calibration), M0/M1 (wait for the user), M109, M190, M191 (wait for heat), M303 (PID
    /// autotune), M400 (wait for moves), M600, M701, M702 (filament change), M1002.
    @inlinable
    public static func waits<Bytes: Collection>(_ command: Bytes) -> Bool where Bytes.Element == UInt8 {
        guard let (letter, number) = code(command) else { return false }
        switch letter {
        case UInt8(ascii: "G"):
            return number == 4 || number == 28 || number == 29 || number == 30 || number == 32 || number == 33
                || number == 34 || number == 35 || number == 76 || number == 425
        case UInt8(ascii: "M"):
            return number == 0 || number == 1 || number == 109 || number == 190 || number == 191
                || number == 303 || number == 400 || number == 600 || number == 701 || number == 702
                || number == 1002
        default:
            return false
        }
    }

    public static func waits(_ line: String) -> Bool { waits(line.utf8) }

    /// The letter (upper case) and number of a command's first word (`g28 X` → G, 28); nil when there is none.
    @inlinable
    public static func code<Bytes: Collection>(_ command: Bytes) -> (letter: UInt8, number: Int)? where Bytes.Element == UInt8 {
        var iterator = command.makeIterator()
        var letter: UInt8 = 0
        while let byte = iterator.next() {
            if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") { continue }
            letter = byte & 0xDF // upper case
            break
        }
        guard letter >= UInt8(ascii: "A") && letter <= UInt8(ascii: "Z") else { return nil }
        var number = 0
        var digits = 0
        while let byte = iterator.next(), byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") {
            number = number * 10 + Int(byte - UInt8(ascii: "0"))
            digits += 1
            if digits > 6 { return nil }
        }
        return digits == 0 ? nil : (letter, number)
    }
}
