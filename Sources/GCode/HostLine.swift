/// The host-protocol line format that Marlin, Prusa firmware and RepRapFirmware accept:
/// `N<number> <command>*<checksum>\n`, where the checksum is the XOR of every byte before `*`.
public enum HostLine {
    /// XOR of the bytes, the checksum the firmware recomputes.
    @inlinable
    public static func checksum<Bytes: Sequence>(_ bytes: Bytes) -> UInt8 where Bytes.Element == UInt8 {
        var sum: UInt8 = 0
        for byte in bytes { sum ^= byte }
        return sum
    }

    /// Appends `N<number> <command>*<checksum>\n` to `buffer` without intermediate allocations;
    /// this runs once per line on the serial hot path.
    @inlinable
    public static func append<Command: Collection>(
        number: Int, command: Command, to buffer: inout [UInt8]
    ) where Command.Element == UInt8 {
        let start = buffer.count
        buffer.append(UInt8(ascii: "N"))
        appendDecimal(number, to: &buffer)
        buffer.append(UInt8(ascii: " "))
        buffer.append(contentsOf: command)
        var sum: UInt8 = 0
        var index = start
        while index < buffer.count {
            sum ^= buffer[index]
            index += 1
        }
        buffer.append(UInt8(ascii: "*"))
        appendDecimal(Int(sum), to: &buffer)
        buffer.append(UInt8(ascii: "\n"))
    }

    /// The bytes of one numbered line, newline included.
    public static func format<Command: Collection>(number: Int, command: Command) -> [UInt8]
    where Command.Element == UInt8 {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(command.count + 16)
        append(number: number, command: command, to: &buffer)
        return buffer
    }

    public static func format(number: Int, command: String) -> [UInt8] {
        format(number: number, command: Array(command.utf8))
    }

    /// Bytes that `append` adds around a command of a given line number: `N<digits> ` and `*<up to 3 digits>\n`.
    /// Used to check a command against the firmware's line-length limit before a print starts.
    public static func overhead(forLineNumber number: Int) -> Int {
        var digits = 1
        var value = number
        while value >= 10 { value /= 10; digits += 1 }
        return 1 + digits + 1 + 1 + 3 + 1
    }

    @inlinable
    static func appendDecimal(_ value: Int, to buffer: inout [UInt8]) {
        precondition(value >= 0, "line numbers and checksums are never negative")
        if value < 10 {
            buffer.append(UInt8(ascii: "0") &+ UInt8(value))
            return
        }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                      UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        var rest = value
        withUnsafeMutableBytes(of: &digits) { raw in
            while rest > 0 {
                raw[count] = UInt8(ascii: "0") &+ UInt8(rest % 10)
                rest /= 10
                count += 1
            }
            while count > 0 {
                count -= 1
                buffer.append(raw[count])
            }
        }
    }
}

/// A line as the firmware receives it from the host, split into its parts. The virtual printer and the
/// tests use it to check what a host sent.
public struct ReceivedHostLine: Equatable, Sendable {
    public enum Problem: Equatable, Sendable {
        /// `*` present but the XOR does not match.
        case checksumMismatch
        /// A line number without a checksum.
        case missingChecksum
        /// A checksum without a line number.
        case missingLineNumber
    }

    /// `N` value, when the line carried one.
    public var number: Int?
    /// The command without the `N` prefix and the checksum, trimmed.
    public var command: [UInt8]
    public var problem: Problem?

    public init(number: Int?, command: [UInt8], problem: Problem?) {
        self.number = number
        self.command = command
        self.problem = problem
    }

    public var commandText: String { String(decoding: command, as: UTF8.self) }

    /// Parses one line without its newline.
    public static func parse<Bytes: Collection>(_ line: Bytes) -> ReceivedHostLine where Bytes.Element == UInt8 {
        let bytes = Array(line)
        var end = bytes.count
        while end > 0, bytes[end - 1] == UInt8(ascii: "\r") || bytes[end - 1] == UInt8(ascii: " ") { end -= 1 }
        var start = 0
        while start < end, bytes[start] == UInt8(ascii: " ") { start += 1 }

        var checksumOK: Bool? = nil
        if let star = bytes[start..<end].lastIndex(of: UInt8(ascii: "*")) {
            let digits = bytes[(star + 1)..<end]
            if let expected = Int(String(decoding: digits, as: UTF8.self)), expected <= 255 {
                checksumOK = HostLine.checksum(bytes[start..<star]) == UInt8(expected)
            } else {
                checksumOK = false
            }
            end = star
        }

        var number: Int? = nil
        if start < end, bytes[start] == UInt8(ascii: "N") {
            var index = start + 1
            var value = 0
            var sawDigit = false
            while index < end, let digit = decimalDigit(bytes[index]) {
                value = value &* 10 &+ digit
                sawDigit = true
                index += 1
            }
            if sawDigit {
                number = value
                start = index
            }
        }
        while start < end, bytes[start] == UInt8(ascii: " ") { start += 1 }
        while end > start, bytes[end - 1] == UInt8(ascii: " ") { end -= 1 }

        let problem: Problem?
        switch (number, checksumOK) {
        case (_, false?): problem = .checksumMismatch
        case (.some, nil): problem = .missingChecksum
        case (nil, true?): problem = .missingLineNumber
        default: problem = nil
        }
        return ReceivedHostLine(number: number, command: Array(bytes[start..<end]), problem: problem)
    }

    private static func decimalDigit(_ byte: UInt8) -> Int? {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") ? Int(byte - UInt8(ascii: "0")) : nil
    }
}
