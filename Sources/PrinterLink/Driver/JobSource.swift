import GCode

/// Where a job's commands come from: a G-code file read as it prints, or lines a test provides.
/// The link's thread owns the source while the job runs.
public protocol JobSource: AnyObject {
    func next() throws -> GCodeCommandLine?
    var fileSize: Int64 { get }
}

extension GCodeFileReader: JobSource {}

/// Commands from memory, for console scripts and tests.
public final class CommandListSource: JobSource {
    private let commands: [[UInt8]]
    private var index = 0
    private var offset: Int64 = 0
    public let fileSize: Int64

    public init(_ commands: [String]) {
        self.commands = commands.map { Array($0.utf8) }
        self.fileSize = self.commands.reduce(0) { $0 + Int64($1.count + 1) }
    }

    public func next() throws -> GCodeCommandLine? {
        guard index < commands.count else { return nil }
        let command = commands[index]
        index += 1
        offset += Int64(command.count + 1)
        return GCodeCommandLine(fileLine: index, command: command, endOffset: offset)
    }
}
