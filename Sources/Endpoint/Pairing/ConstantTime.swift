import COpenSSL

/// Secret comparisons (pairing codes, token hashes) that take the same time however many leading bytes match,
/// so a client timing its failures learns nothing about the secret.
public enum ConstantTime {
    /// True when both byte sequences are equal. The lengths are not secret (codes are 6 digits, hashes 64 hex
    /// digits), but unequal lengths still cost a full walk of the presented bytes so they do not answer faster.
    /// The walk is OpenSSL's `CRYPTO_memcmp`, which the optimiser cannot turn back into an early exit.
    public static func equal(_ expected: some Collection<UInt8>, _ presented: some Collection<UInt8>) -> Bool {
        let expected = Array(expected)
        let presented = Array(presented)
        guard expected.count == presented.count else {
            _ = presented.withUnsafeBytes { bytes in CRYPTO_memcmp(bytes.baseAddress, bytes.baseAddress, bytes.count) }
            return false
        }
        if expected.isEmpty { return true }
        return expected.withUnsafeBytes { lhs in
            presented.withUnsafeBytes { rhs in CRYPTO_memcmp(lhs.baseAddress, rhs.baseAddress, lhs.count) == 0 }
        }
    }

    /// Compares the UTF-8 bytes of two strings.
    public static func equal(_ expected: String, _ presented: String) -> Bool {
        equal(expected.utf8, presented.utf8)
    }
}
