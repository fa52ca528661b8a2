/// The record types DNS-SD needs (RFC 6763 §12).
public enum DNSRecordType: UInt16, Sendable {
    case a = 1
    case ptr = 12
    case txt = 16
    case aaaa = 28
    case srv = 33
}

/// A question: `unicastResponse` is mDNS's QU bit (RFC 6762 §5.4), the top bit of the class.
public struct DNSQuestion: Sendable, Hashable {
    public var name: DNSName
    public var type: DNSRecordType
    public var unicastResponse: Bool

    public init(name: DNSName, type: DNSRecordType, unicastResponse: Bool = false) {
        self.name = name
        self.type = type
        self.unicastResponse = unicastResponse
    }
}

/// A resource record. mDNS sets the top bit of the class to flush caches (RFC 6762 §10.2); it is kept apart so
/// that `ttl` 0, a goodbye (§10.1), reads plainly.
public struct DNSRecord: Sendable, Equatable {
    public enum Data: Sendable, Equatable {
        case ptr(DNSName)
        case srv(priority: UInt16, weight: UInt16, port: UInt16, target: DNSName)
        /// The character-strings as they came, one per entry (UTF-8 by convention, not by rule).
        case txt([[UInt8]])
        case a([UInt8])
        case aaaa([UInt8])
        case other(type: UInt16, bytes: [UInt8])
    }

    public var name: DNSName
    public var ttl: UInt32
    public var cacheFlush: Bool
    public var data: Data

    public init(name: DNSName, ttl: UInt32, cacheFlush: Bool = false, data: Data) {
        self.name = name
        self.ttl = ttl
        self.cacheFlush = cacheFlush
        self.data = data
    }
}

extension DNSRecord.Data {
    /// An address record as text: "192.168.1.20", "fe80::1".
    public var addressText: String? {
        switch self {
        case .a(let bytes): bytes.map { String($0) }.joined(separator: ".")
        case .aaaa(let bytes): IPv6Text.format(bytes)
        default: nil
        }
    }
}

/// RFC 5952 text for an IPv6 address: lower-case hex groups, the longest run of two or more zero groups as "::".
enum IPv6Text {
    static func format(_ bytes: [UInt8]) -> String {
        let groups = stride(from: 0, to: 16, by: 2).map { UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]) }
        var best: Range<Int>?
        var start: Int?
        for index in 0...groups.count {
            if index < groups.count, groups[index] == 0 {
                if start == nil { start = index }
            } else if let runStart = start {
                if index - runStart >= 2, index - runStart > (best?.count ?? 0) { best = runStart..<index }
                start = nil
            }
        }
        let hex = groups.map { String($0, radix: 16) }
        guard let best else { return hex.joined(separator: ":") }
        return hex[..<best.lowerBound].joined(separator: ":") + "::" + hex[best.upperBound...].joined(separator: ":")
    }
}
