import Crypto

/// SHA-256 of bytes held whole, through swift-crypto: on Linux that is BoringSSL, the copy already linked for TLS,
/// so the agent maps no second crypto library (the system's libcrypto alone was 3.3 MiB resident, issue 12).
public enum SHA256Digest {
    public static let byteCount = 32

    public static func digest(_ data: some Collection<UInt8>) -> [UInt8] {
        var hash = Crypto.SHA256()
        if let done = data.withContiguousStorageIfAvailable({ hash.update(bufferPointer: UnsafeRawBufferPointer($0)) }) {
            _ = done
        } else {
            Array(data).withUnsafeBytes { hash.update(bufferPointer: $0) }
        }
        return Array(hash.finalize())
    }

    /// The digest as 64 lowercase hex digits, the form the agent's database keeps of an access token.
    public static func hex(_ data: some Collection<UInt8>) -> String {
        HexEncoding.lowercase(digest(data))
    }
}
