import Crypto

/// SHA-256 fed in pieces: a download is hashed as it arrives, never held whole. A value: copying it copies the
/// running state, which is how `digestSoFar` reads a digest without ending the stream.
public struct SHA256Stream: Sendable {
    private var hash = Crypto.SHA256()

    public init() {}

    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard bytes.count > 0 else { return }
        hash.update(bufferPointer: bytes)
    }

    /// Back to the digest of nothing, for a download that starts over.
    public mutating func reset() {
        hash = Crypto.SHA256()
    }

    /// The digest of the bytes fed so far, leaving the stream open for more.
    public func digestSoFar() -> String {
        HexEncoding.lowercase(Array(hash.finalize()))
    }

    /// The digest as 64 lowercase hex digits.
    public func finalize() -> String {
        HexEncoding.lowercase(Array(hash.finalize()))
    }
}
