/// Why bytes are not a DNS message, or a value cannot be written as one.
public enum DNSMessageError: Error, Equatable, CustomStringConvertible {
    case truncated(at: Int)
    case badPointer(at: Int)
    case nameTooLong
    case labelLength(String)
    case badRecordLength(type: UInt16, length: Int)

    public var description: String {
        switch self {
        case .truncated(let offset): "the message ends inside a field at byte \(offset)"
        case .badPointer(let offset): "a name's compression pointer at byte \(offset) does not point back"
        case .nameTooLong: "a name is longer than 255 bytes"
        case .labelLength(let label): "the label \"\(label)\" is empty or longer than 63 bytes"
        case .badRecordLength(let type, let length): "a record of type \(type) cannot be \(length) bytes long"
        }
    }
}
