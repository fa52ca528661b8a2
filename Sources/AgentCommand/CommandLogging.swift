import Logging

/// Log lines go to standard error, one per event; standard output is the command's own output.
enum CommandLogging {
    static func setUp(level: Logger.Level) {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }
}
