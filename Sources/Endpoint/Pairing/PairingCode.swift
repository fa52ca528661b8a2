/// The six digits a person reads off the printer's display and types into the Manager.
public struct PairingCode: Sendable, Equatable, CustomStringConvertible {
    /// Exactly six ASCII digits, zero-padded ("004217").
    public let digits: String

    static let codeSpace: UInt32 = 1_000_000
    /// The largest multiple of 10^6 that fits in 32 bits: draws at or above it are thrown away, so every one of the
    /// million codes comes from exactly 4 294 draws and none is likelier than another (no modulo bias).
    static let acceptBelow: UInt32 = 4_294_000_000
    /// A real generator rejects a draw with probability 2.3e-4; this many rejections in a row means it is broken.
    static let maximumDraws = 32

    public init(value: UInt32) {
        precondition(value < Self.codeSpace, "a pairing code has six digits")
        let text = String(value)
        digits = String(repeating: "0", count: 6 - text.count) + text
    }

    /// A uniformly random code from four random bytes per draw (big-endian), rejection-sampled.
    public static func draw(from random: any RandomByteSource) throws(RandomnessUnavailable) -> PairingCode {
        for _ in 0..<maximumDraws {
            let bytes = try random.randomBytes(count: 4)
            guard bytes.count == 4 else { throw RandomnessUnavailable() }
            let word = bytes.reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            if word < acceptBelow { return PairingCode(value: word % codeSpace) }
        }
        throw RandomnessUnavailable()
    }

    /// Redacted: the code belongs on the display and in its one log announcement, not in incidental interpolation.
    public var description: String { "PairingCode(••••••)" }
}
