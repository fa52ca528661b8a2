import GCode

/// What the host must know about a command before sending it, read from its first word.
enum CommandTraits {
    /// Commands that legitimately keep the firmware silent for long: homing, probing, heating and waiting,
    /// waiting for moves or for the user. They never trip the acknowledgement timeout. The list lives in `GCode`,
    /// where the console's client reads it too to wait as long for their answer.
    static func isLong<Bytes: Collection>(_ command: Bytes) -> Bool where Bytes.Element == UInt8 {
        LongCommand.waits(command)
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
        LongCommand.code(command).map { ($0.letter, $0.number) }
    }
}
