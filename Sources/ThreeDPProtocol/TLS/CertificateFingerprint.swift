/// The SHA-256 fingerprint of an agent's TLS certificate (of its DER bytes), as `pairing.complete` returns it and
/// a Manager pins it: 32 bytes written as uppercase hex pairs joined by colons, `"3A:F0:…:9C"` (95 characters).
/// That is the form `openssl x509 -noout -fingerprint -sha256` and the browsers' certificate viewers show, so a
/// person can compare it with either. The digest itself is computed by whoever holds the certificate (this
/// target hashes nothing).
public struct CertificateFingerprint: Sendable, Hashable, CustomStringConvertible {
    public let bytes: [UInt8]

    public static let byteCount = 32
    /// The JSON Schema pattern of the text form.
    public static let pattern = #"^[0-9A-F]{2}(:[0-9A-F]{2}){31}$"#
    /// How many bytes the printer's display shows beside the pairing code: character LCDs are 20 columns wide,
    /// and the code comes first so that it is never cut off.
    public static let displayedBytes = 4

    /// - Parameter sha256: a SHA-256 digest; nil for any other length.
    public init?(sha256 bytes: some Collection<UInt8>) {
        guard bytes.count == Self.byteCount else { return nil }
        self.bytes = Array(bytes)
    }

    /// Reads the text form; lowercase hex is accepted too (people copy fingerprints from many tools).
    public init?(text: String) {
        let pairs = text.split(separator: ":", omittingEmptySubsequences: false)
        guard pairs.count == Self.byteCount else { return nil }
        var bytes: [UInt8] = []
        for pair in pairs {
            guard pair.utf8.count == 2, let byte = UInt8(pair, radix: 16) else { return nil }
            bytes.append(byte)
        }
        self.bytes = bytes
    }

    public var description: String { Self.text(bytes) }

    /// The first `displayedBytes` pairs, `"3A:F0:12:C4"`: what the printer's display shows beside the code, and
    /// what the client prints for the person to compare with it.
    public var displayPrefix: String { Self.text(bytes.prefix(Self.displayedBytes)) }

    private static func text(_ bytes: some Collection<UInt8>) -> String {
        let digits = Array("0123456789ABCDEF".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(bytes.count * 3)
        for byte in bytes {
            if !text.isEmpty { text.append(UInt8(ascii: ":")) }
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
