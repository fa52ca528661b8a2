import GCode

/// What the host must know about a command before sending it, read from its first word.
enum CommandTraits {
    /// Commands that legitimately keep the firmware silent for long: homing, probing, heating and waiting,
    /// waiting for moves or for the user. They never trip the acknowledgement timeout.
    static func isLong<Bytes: Collection>(_ command: Bytes) -> Bool where Bytes.Element == UInt8 {
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

    /// Commands Marlin's EMERGENCY_PARSER acts on as their bytes arrive: sent ahead of the queue.
    static func isEmergency<Bytes: Collection>(_ command: Bytes) -> Bool where Bytes.Element == UInt8 {
        guard let (letter, number) = code(command), letter == UInt8(ascii: "M") else { return false }
        return number == 112 || number == 108 || number == 410 || number == 876
    }

    /// `M110`: sets the firmware's line number. The host owns the numbering, so a job's or a console's M110 is
    /// sent as the host's own `M110 N<its number>`, never with the number it was written with.
    static func setsLineNumber<Bytes: Collection>(_ command: Bytes) -> Bool where Bytes.Element == UInt8 {
        guard let (letter, number) = code(command) else { return false }
        return letter == UInt8(ascii: "M") && number == 110
    }

    static func isTemperaturePoll<Bytes: Collection>(_ command: Bytes) -> Bool where Bytes.Element == UInt8 {
        guard let (letter, number) = code(command) else { return false }
        return letter == UInt8(ascii: "M") && number == 105
    }

    /// The letter and number of a command's first word (`G1 X2` → G, 1), ignoring any case of the letter.
    static func code<Bytes: Collection>(_ command: Bytes) -> (UInt8, Int)? where Bytes.Element == UInt8 {
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
