import GCode

/// What one pass over a G-code file found before printing starts.
public struct GCodeFileSummary: Sendable, Equatable {
    public var commandCount: Int
    public var fileSize: Int64
    public var metadata: SlicerMetadata

    public init(commandCount: Int, fileSize: Int64, metadata: SlicerMetadata) {
        self.commandCount = commandCount
        self.fileSize = fileSize
        self.metadata = metadata
    }
}

extension GCodeFileReader {
    /// Marlin's default MAX_CMD_SIZE: the longest line, `N…` and `*…` included, the firmware accepts.
    public static let marlinMaximumLineLength = 96

    /// Reads the whole file once, counting commands, and rejects the first command too long for the
    /// firmware, so that a print never stops half-way on it. The host numbers temperature polls and other
    /// commands it adds too, so line numbers run ahead of command indices; a command is checked as if sent
    /// with line number 2 × its index, the documented headroom. Slicer metadata comes from the head and
    /// tail of the file.
    public static func validate(path: String, maxLineLength: Int = marlinMaximumLineLength) throws -> GCodeFileSummary {
        let reader = try GCodeFileReader(path: path)
        var commandCount = 0
        var refusal: GCodeFileError?
        while refusal == nil {
            let found = try reader.nextCommand { fileLine, command, _ in
                commandCount += 1
                let length = command.count + HostLine.overhead(forLineNumber: 2 * commandCount)
                if length > maxLineLength {
                    refusal = .lineTooLong(fileLine: fileLine, length: length, limit: maxLineLength)
                } else if command.contains(0) {
                    // Marlin's parser ends a command at NUL, so the firmware would run a different command
                    // than the file says, and check the checksum of bytes it never read.
                    refusal = .nulByte(fileLine: fileLine)
                }
            }
            if !found { break }
        }
        if let refusal { throw refusal }
        // Printing nothing is not a completed print.
        guard commandCount > 0 else { throw GCodeFileError.noCommands }
        let metadata = try SlicerMetadata.read(path: path)
        return GCodeFileSummary(commandCount: commandCount, fileSize: reader.fileSize, metadata: metadata)
    }
}
