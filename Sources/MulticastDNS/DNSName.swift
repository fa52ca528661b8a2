/// A domain name as its labels ("My Agent", "_3dp", "_tcp", "local"). DNS-SD instance names may hold dots and
/// spaces inside a label, so a name is never split on dots once it is read off the wire.
public struct DNSName: Sendable, Hashable, CustomStringConvertible {
    public var labels: [String]

    public init(labels: [String]) {
        self.labels = labels
    }

    /// "_3dp._tcp.local": a name written with dots between labels (no dot inside a label).
    public init(dotted: String) {
        labels = dotted.split(separator: ".").map(String.init)
    }

    /// Label bytes compared without case (RFC 1035 §2.3.3), so a cache keyed on names meets every spelling once.
    public func hash(into hasher: inout Hasher) {
        for label in labels { hasher.combine(label.lowercased()) }
    }

    public static func == (left: DNSName, right: DNSName) -> Bool {
        left.labels.count == right.labels.count
            && zip(left.labels, right.labels).allSatisfy { $0.lowercased() == $1.lowercased() }
    }

    /// `labels` without the first: "_3dp._tcp.local" of "My Agent._3dp._tcp.local".
    public var parent: DNSName { DNSName(labels: Array(labels.dropFirst())) }

    /// Dotted, with dots and backslashes inside a label escaped as in a zone file.
    public var description: String {
        labels.map { $0.replacingDotsEscaped() }.joined(separator: ".")
    }

    func encode(into bytes: inout [UInt8]) throws(DNSMessageError) {
        for label in labels {
            let utf8 = Array(label.utf8)
            guard !utf8.isEmpty, utf8.count <= 63 else { throw .labelLength(label) }
            bytes.append(UInt8(utf8.count))
            bytes.append(contentsOf: utf8)
        }
        bytes.append(0)
    }
}

extension String {
    fileprivate func replacingDotsEscaped() -> String {
        var escaped = ""
        for character in self {
            if character == "." || character == "\\" { escaped.append("\\") }
            escaped.append(character)
        }
        return escaped
    }
}
