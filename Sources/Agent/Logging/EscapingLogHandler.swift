import Endpoint
import Logging

/// A log handler that writes every event as one line whatever it carries: control characters in the message and in
/// metadata values are escaped (`LogText`) before the wrapped handler sees them. Client-supplied text reaches logs
/// from many places (a pairing `clientName`, a selection's `name` in the job lines, a firmware's messages); this
/// makes a forged log line or an ANSI sequence impossible in all of them at once.
public struct EscapingLogHandler<Wrapped: LogHandler>: LogHandler {
    public var wrapped: Wrapped

    public init(_ wrapped: Wrapped) {
        self.wrapped = wrapped
    }

    public var logLevel: Logger.Level {
        get { wrapped.logLevel }
        set { wrapped.logLevel = newValue }
    }

    public var metadata: Logger.Metadata {
        get { wrapped.metadata }
        set { wrapped.metadata = newValue }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { wrapped[metadataKey: key] }
        set { wrapped[metadataKey: key] = newValue }
    }

    public func log(event: LogEvent) {
        var event = event
        event.message = Logger.Message(stringLiteral: LogText.escaped(event.message.description, limit: .max))
        event.metadata = event.metadata.map { $0.mapValues(Self.escaped) }
        wrapped.log(event: event)
    }

    static func escaped(_ value: Logger.MetadataValue) -> Logger.MetadataValue {
        switch value {
        case .string(let text): .string(LogText.escaped(text, limit: .max))
        case .stringConvertible(let convertible): .string(LogText.escaped(convertible.description, limit: .max))
        case .array(let values): .array(values.map(escaped))
        case .dictionary(let values): .dictionary(values.mapValues(escaped))
        }
    }
}
