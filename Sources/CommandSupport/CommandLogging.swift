import Agent
import Logging

/// Log lines go to standard error, one per event (control characters escaped, so that client-supplied text cannot
/// forge a line); standard output is the command's own output.
public enum CommandLogging {
    public static func setUp(level: Logger.Level) {
        LoggingSystem.bootstrap { label in
            var handler = EscapingLogHandler(StreamLogHandler.standardError(label: label))
            handler.logLevel = level
            return handler
        }
    }
}
