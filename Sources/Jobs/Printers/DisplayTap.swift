import GCode
import GCodeFiles
import PrinterLink

/// Reads a job's G-code and tells, as each M117 goes out, what the printer's display is about to show: slicers
/// put layer numbers and progress there, and a Manager shows them too (`printer.message`, kind display).
final class DisplayTap: JobSource {
    private let reader: GCodeFileReader
    private let onDisplay: @Sendable (String) -> Void

    init(reader: GCodeFileReader, onDisplay: @escaping @Sendable (String) -> Void) {
        self.reader = reader
        self.onDisplay = onDisplay
    }

    var fileSize: Int64 { reader.fileSize }

    func next() throws -> GCodeCommandLine? {
        guard let line = try reader.next() else { return nil }
        if let text = PrinterDisplayText.of(line.command) { onDisplay(text) }
        return line
    }
}

/// What an M117 puts on the printer's display.
public enum PrinterDisplayText {
    /// The text of an `M117 …` command, nil for every other command.
    public static func of(_ command: some Collection<UInt8>) -> String? {
        var bytes = command.makeIterator()
        for expected in "M117".utf8 {
            guard let byte = bytes.next(), byte & 0xDF == expected & 0xDF || byte == expected else { return nil }
        }
        guard let separator = bytes.next() else { return "" }
        guard separator == UInt8(ascii: " ") else { return nil }
        var rest: [UInt8] = []
        while let byte = bytes.next() { rest.append(byte) }
        return String(decoding: rest, as: UTF8.self)
    }

    public static func of(_ command: String) -> String? { of(Array(command.utf8)) }
}
