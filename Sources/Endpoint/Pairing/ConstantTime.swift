/// Secret comparisons (pairing codes, token hashes) that take the same time however many leading bytes match,
/// so a client timing its failures learns nothing about the secret.
public enum ConstantTime {
    /// True when both byte sequences are equal. The lengths are not secret (codes are 6 digits, hashes 64 hex
    /// digits), but unequal lengths still cost a full walk of the presented bytes so they do not answer faster.
    public static func equal(_ expected: some Collection<UInt8>, _ presented: some Collection<UInt8>) -> Bool {
        let expected = Array(expected)
        let presented = Array(presented)
        guard expected.count == presented.count else {
            _ = differences(presented, presented)
            return false
        }
        return differences(expected, presented) == 0
    }

    /// Compares the UTF-8 bytes of two strings.
    public static func equal(_ expected: String, _ presented: String) -> Bool {
        equal(expected.utf8, presented.utf8)
    }

    /// The OR of every byte pair's XOR: no branch depends on the bytes, and kept out of line so that the caller's
    /// `== 0` cannot be folded into the loop as an early exit (the shape of swift-crypto's and BoringSSL's
    /// `CRYPTO_memcmp`).
    @inline(never)
    private static func differences(_ lhs: [UInt8], _ rhs: [UInt8]) -> UInt8 {
        var accumulated: UInt8 = 0
        for index in lhs.indices {
            accumulated |= lhs[index] ^ rhs[index]
        }
        return accumulated
    }
}
