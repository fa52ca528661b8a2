import Digest
/// The bearer secret a Manager plug-in gets at pairing: `3dp_` + 32 random bytes in base64url without padding
/// (43 characters). The agent keeps only its SHA-256; the prefix lets secret scanners recognise a leaked token.
public struct AccessToken: Sendable, Hashable, CustomStringConvertible, CustomReflectable {
    public static let prefix = "3dp_"
    public static let randomByteCount = 32
    public static let encodedLength = prefix.utf8.count + 43

    public let value: String

    /// Wraps a token as presented by a client (Bearer header, `session.authenticate`); it is not validated here.
    public init(value: String) {
        self.value = value
    }

    public static func generate(random: any RandomByteSource = KernelRandom()) throws(RandomnessUnavailable) -> AccessToken {
        let bytes = try random.randomBytes(count: randomByteCount)
        guard bytes.count == randomByteCount else { throw RandomnessUnavailable() }
        return AccessToken(value: prefix + Base64URL.encode(bytes))
    }

    /// Has the shape of a token this agent issues; a cheap filter before hashing garbage from the network.
    public var isWellFormed: Bool {
        value.utf8.count == Self.encodedLength && value.hasPrefix(Self.prefix)
            && value.utf8.dropFirst(Self.prefix.utf8.count).allSatisfy(Base64URL.isAlphabet)
    }

    /// The stored form: SHA-256 of the token's UTF-8 bytes, lowercase hex.
    public func sha256Hex() -> String {
        SHA256Digest.hex(value.utf8)
    }

    /// Hashes this (presented) token and compares it with a stored hash in constant time.
    public func matches(sha256Hex stored: String) -> Bool {
        let hash = sha256Hex()
        return ConstantTime.equal(stored, hash)
    }

    /// Redacted so a token never reaches a log line by interpolation.
    public var description: String { "AccessToken(\(Self.prefix)…)" }

    /// Keeps `dump` and debugger summaries from printing the value too.
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}

enum Base64URL {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    /// RFC 4648 §5, without padding.
    static func encode(_ bytes: [UInt8]) -> String {
        var text = [UInt8]()
        text.reserveCapacity((bytes.count * 4 + 2) / 3)
        var index = 0
        while index + 3 <= bytes.count {
            let group = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2])
            for shift in [18, 12, 6, 0] { text.append(alphabet[Int(group >> UInt32(shift) & 0x3F)]) }
            index += 3
        }
        let rest = bytes.count - index
        if rest > 0 {
            let group = UInt32(bytes[index]) << 16 | (rest == 2 ? UInt32(bytes[index + 1]) << 8 : 0)
            let shifts = rest == 2 ? [18, 12, 6] : [18, 12]
            for shift in shifts { text.append(alphabet[Int(group >> UInt32(shift) & 0x3F)]) }
        }
        return String(decoding: text, as: UTF8.self)
    }

    static func isAlphabet(_ byte: UInt8) -> Bool {
        (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || (0x30...0x39).contains(byte)
            || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
    }
}
