/// Why a configuration could not be used: the file, where in it (when the problem has a place), and what is wrong.
public struct ConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file's path, or whatever name the caller gave the text.
    public var source: String
    public var line: Int?
    public var column: Int?
    public var message: String

    public init(source: String, line: Int? = nil, column: Int? = nil, message: String) {
        self.source = source
        self.line = line
        self.column = column
        self.message = message
    }

    /// "/etc/3dp-agent/3dp-agent.toml: line 12, column 9: expected a value after '='".
    public var description: String {
        switch (line, column) {
        case (let line?, let column?): "\(source): line \(line), column \(column): \(message)"
        case (let line?, nil): "\(source): line \(line): \(message)"
        default: "\(source): \(message)"
        }
    }
}
