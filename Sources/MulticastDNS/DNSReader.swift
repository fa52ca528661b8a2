/// A cursor over a received message; every read checks the bounds, so a short or hostile packet is an error,
/// never a crash.
struct DNSReader {
    let bytes: [UInt8]
    var offset = 0

    mutating func uint8() throws(DNSMessageError) -> UInt8 {
        guard offset < bytes.count else { throw .truncated(at: offset) }
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func uint16() throws(DNSMessageError) -> UInt16 {
        UInt16(try uint8()) << 8 | UInt16(try uint8())
    }

    mutating func uint32() throws(DNSMessageError) -> UInt32 {
        UInt32(try uint16()) << 16 | UInt32(try uint16())
    }

    mutating func take(_ count: Int) throws(DNSMessageError) -> [UInt8] {
        guard count >= 0, offset + count <= bytes.count else { throw .truncated(at: offset) }
        defer { offset += count }
        return Array(bytes[offset..<offset + count])
    }

    /// A name at the cursor, following compression pointers (RFC 1035 §4.1.4). A pointer must point before the
    /// place it was read, which also rules out loops.
    mutating func name() throws(DNSMessageError) -> DNSName {
        var labels: [String] = []
        var length = 1
        var position = offset
        var jumped = false
        while true {
            guard position < bytes.count else { throw .truncated(at: position) }
            let size = Int(bytes[position])
            switch size & 0xC0 {
            case 0:
                if size == 0 {
                    if !jumped { offset = position + 1 }
                    return DNSName(labels: labels)
                }
                guard position + 1 + size <= bytes.count else { throw .truncated(at: position) }
                length += size + 1
                guard length <= 255 else { throw .nameTooLong }
                labels.append(String(decoding: bytes[(position + 1)...(position + size)], as: UTF8.self))
                position += size + 1
            case 0xC0:
                guard position + 1 < bytes.count else { throw .truncated(at: position) }
                let target = (size & 0x3F) << 8 | Int(bytes[position + 1])
                guard target < position else { throw .badPointer(at: position) }
                if !jumped { offset = position + 2 }
                jumped = true
                position = target
            default:
                throw .badPointer(at: position)
            }
        }
    }

    mutating func record() throws(DNSMessageError) -> DNSRecord {
        let name = try self.name()
        let type = try uint16()
        let rclass = try uint16()
        let ttl = try uint32()
        let length = Int(try uint16())
        guard offset + length <= bytes.count else { throw .truncated(at: offset) }
        let end = offset + length
        let data: DNSRecord.Data
        switch DNSRecordType(rawValue: type) {
        case .ptr?:
            data = .ptr(try self.name())
        case .srv?:
            let priority = try uint16()
            let weight = try uint16()
            let port = try uint16()
            data = .srv(priority: priority, weight: weight, port: port, target: try self.name())
        case .txt?:
            var strings: [[UInt8]] = []
            while offset < end {
                let count = Int(try uint8())
                guard offset + count <= end else { throw .badRecordLength(type: type, length: length) }
                strings.append(try take(count))
            }
            data = .txt(strings)
        case .a?:
            guard length == 4 else { throw .badRecordLength(type: type, length: length) }
            data = .a(try take(4))
        case .aaaa?:
            guard length == 16 else { throw .badRecordLength(type: type, length: length) }
            data = .aaaa(try take(16))
        case nil:
            data = .other(type: type, bytes: try take(length))
        }
        guard offset == end else { throw .badRecordLength(type: type, length: length) }
        return DNSRecord(name: name, ttl: ttl, cacheFlush: rclass & 0x8000 != 0, data: data)
    }
}
