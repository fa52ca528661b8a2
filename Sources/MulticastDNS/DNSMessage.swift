/// A DNS message (RFC 1035 §4) as mDNS uses it: the header's id and flags, and the four sections. Encoding
/// writes questions only (this side asks); decoding reads answers with name compression.
public struct DNSMessage: Sendable, Equatable {
    public var id: UInt16
    public var flags: UInt16
    public var questions: [DNSQuestion]
    public var answers: [DNSRecord]
    public var authorities: [DNSRecord]
    public var additionals: [DNSRecord]

    public init(id: UInt16 = 0, flags: UInt16 = 0, questions: [DNSQuestion] = [], answers: [DNSRecord] = [],
                authorities: [DNSRecord] = [], additionals: [DNSRecord] = []) {
        self.id = id
        self.flags = flags
        self.questions = questions
        self.answers = answers
        self.authorities = authorities
        self.additionals = additionals
    }

    /// QR: set in a response.
    public var isResponse: Bool { flags & 0x8000 != 0 }

    /// Every record of the answer, authority and additional sections.
    public var records: [DNSRecord] { answers + authorities + additionals }

    /// A query's bytes: the header and the questions, no compression (a query is small).
    public func encodedQuery() throws(DNSMessageError) -> [UInt8] {
        var bytes: [UInt8] = []
        for field in [id, flags, UInt16(questions.count), 0, 0, 0] { bytes.appendBigEndian(field) }
        for question in questions {
            try question.name.encode(into: &bytes)
            bytes.appendBigEndian(question.type.rawValue)
            bytes.appendBigEndian((question.unicastResponse ? 0x8000 : 0) | 1)
        }
        return bytes
    }

    /// Reads a whole message; records of types not in `DNSRecordType` come back as `.other`.
    public static func decode(_ bytes: [UInt8]) throws(DNSMessageError) -> DNSMessage {
        var reader = DNSReader(bytes: bytes)
        let id = try reader.uint16()
        let flags = try reader.uint16()
        let counts = [try reader.uint16(), try reader.uint16(), try reader.uint16(), try reader.uint16()]
        var message = DNSMessage(id: id, flags: flags)
        for _ in 0..<counts[0] {
            let name = try reader.name()
            let type = try reader.uint16()
            let qclass = try reader.uint16()
            if let known = DNSRecordType(rawValue: type) {
                message.questions.append(DNSQuestion(name: name, type: known, unicastResponse: qclass & 0x8000 != 0))
            }
        }
        for _ in 0..<counts[1] { message.answers.append(try reader.record()) }
        for _ in 0..<counts[2] { message.authorities.append(try reader.record()) }
        for _ in 0..<counts[3] { message.additionals.append(try reader.record()) }
        return message
    }
}

extension [UInt8] {
    fileprivate mutating func appendBigEndian(_ value: UInt16) {
        append(UInt8(value >> 8))
        append(UInt8(value & 0xFF))
    }
}
