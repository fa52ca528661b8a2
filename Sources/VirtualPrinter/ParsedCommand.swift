/// One queued line read the way Marlin's `GCodeParser::parse` reads it: the `N<number>` prefix skipped, the command
/// letter (G, M or T; lower case accepted, as with GCODE_CASE_INSENSITIVE) and its number, the parameters, and the text
/// up to the first `*` with trailing spaces trimmed.
struct ParsedCommand {
    let line: [UInt8]
    /// Where the command text starts and ends in `line`.
    let textStart: Int
    let textEnd: Int
    /// `G`, `M` or `T`, upper case; nil when the line has no valid command letter and number.
    let letter: UInt8?
    let code: Int
    /// Where the parameters (or the string argument of M117/M118) start.
    let argumentsStart: Int

    init(line: [UInt8]) {
        self.line = line
        var index = 0
        while index < line.count, line[index] == UInt8(ascii: " ") { index += 1 }
        if index + 1 < line.count, line[index] == UInt8(ascii: "N") || line[index] == UInt8(ascii: "n"),
           Self.isSignedDigit(line[index + 1]) {
            index += 2
            while index < line.count, Self.isDigit(line[index]) { index += 1 }
            while index < line.count, line[index] == UInt8(ascii: " ") { index += 1 }
        }
        textStart = index
        var end = line.count
        if index < line.count {
            var star = index + 1
            while star < line.count, line[star] != UInt8(ascii: "*") { star += 1 }
            end = star
        }
        while end > index, line[end - 1] == UInt8(ascii: " ") { end -= 1 }
        textEnd = end

        var letter: UInt8? = nil
        var code = 0
        var cursor = index
        if cursor < end {
            let candidate = line[cursor] & 0xDF // ASCII upper case
            if candidate == UInt8(ascii: "G") || candidate == UInt8(ascii: "M") || candidate == UInt8(ascii: "T") {
                cursor += 1
                while cursor < end, line[cursor] == UInt8(ascii: " ") { cursor += 1 }
                if cursor < end, Self.isDigit(line[cursor]) {
                    letter = candidate
                    while cursor < end, Self.isDigit(line[cursor]) {
                        code = min(code &* 10 &+ Int(line[cursor] - UInt8(ascii: "0")), 1_000_000)
                        cursor += 1
                    }
                    // A subcode (G29.1) is part of the command, not a parameter.
                    if cursor + 1 < end, line[cursor] == UInt8(ascii: "."), Self.isDigit(line[cursor + 1]) {
                        cursor += 1
                        while cursor < end, Self.isDigit(line[cursor]) { cursor += 1 }
                    }
                }
            }
        }
        self.letter = letter
        self.code = code
        argumentsStart = cursor
    }

    var textBytes: ArraySlice<UInt8> { line[textStart..<textEnd] }
    var text: String { String(decoding: textBytes, as: UTF8.self) }

    /// The string argument of M117/M118: everything after the command number and its spaces.
    var stringArgument: String {
        var start = argumentsStart
        while start < textEnd, line[start] == UInt8(ascii: " ") { start += 1 }
        return String(decoding: line[start..<textEnd], as: UTF8.self)
    }

    /// Whether parameter `letter` appears, with or without a value.
    func has(_ parameter: Character) -> Bool {
        position(of: parameter) != nil
    }

    /// The numeric value of parameter `letter`, nil when it is absent or has no value.
    func value(_ parameter: Character) -> Double? {
        guard let position = position(of: parameter) else { return nil }
        return Self.decimal(line, from: position + 1, end: textEnd)
    }

    private func position(of parameter: Character) -> Int? {
        let upper = parameter.asciiValue!
        let lower = upper | 0x20
        var index = argumentsStart
        while index < textEnd {
            let byte = line[index]
            if byte == upper || byte == lower { return index }
            index += 1
        }
        return nil
    }

    /// A G-code number: optional sign, digits, optional fraction. No exponent, as in G-code.
    static func decimal(_ bytes: [UInt8], from start: Int, end: Int) -> Double? {
        var index = start
        var negative = false
        if index < end, bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+") {
            negative = bytes[index] == UInt8(ascii: "-")
            index += 1
        }
        var mantissa: Int64 = 0
        var scale = 1.0
        var sawDigit = false
        var inFraction = false
        while index < end {
            let byte = bytes[index]
            if isDigit(byte) {
                sawDigit = true
                if mantissa < 100_000_000_000_000 {
                    mantissa = mantissa * 10 + Int64(byte - UInt8(ascii: "0"))
                    if inFraction { scale *= 10 }
                } else if !inFraction {
                    scale /= 10
                }
            } else if byte == UInt8(ascii: "."), !inFraction {
                inFraction = true
            } else {
                break
            }
            index += 1
        }
        guard sawDigit else { return nil }
        let magnitude = Double(mantissa) / scale
        return negative ? -magnitude : magnitude
    }

    @inline(__always) static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    @inline(__always) static func isSignedDigit(_ byte: UInt8) -> Bool {
        isDigit(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+")
    }
}
