import COpenSSL

/// SHA-256 through OpenSSL's EVP interface (the FIPS-capable path; the low-level `SHA256()` is deprecated in 3.0).
public enum SHA256Digest {
    public static let byteCount = 32

    public struct Failed: Error, Equatable, CustomStringConvertible {
        public init() {}

        public var description: String { "OpenSSL EVP_Digest(SHA-256) failed" }
    }

    public static func digest(_ data: some Collection<UInt8>) throws(Failed) -> [UInt8] {
        let input = Array(data)
        var output = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let status = input.withUnsafeBytes { inputBytes in
            output.withUnsafeMutableBufferPointer { out in
                EVP_Digest(inputBytes.baseAddress, inputBytes.count, out.baseAddress, &length, EVP_sha256(), nil)
            }
        }
        guard status == 1, Int(length) == byteCount else { throw Failed() }
        return Array(output.prefix(byteCount))
    }

    /// The digest as 64 lowercase hex digits, the form the agent's database keeps of an access token.
    public static func hex(_ data: some Collection<UInt8>) throws(Failed) -> String {
        HexEncoding.lowercase(try digest(data))
    }
}
