import COpenSSL

/// SHA-256 fed in pieces, through OpenSSL's EVP interface: a download is hashed as it arrives, never held whole.
public struct SHA256Stream: ~Copyable {
    private let context: OpaquePointer

    public struct Failed: Error, CustomStringConvertible {
        public init() {}

        public var description: String { "OpenSSL's SHA-256 failed" }
    }

    public init() throws(Failed) {
        guard let context = EVP_MD_CTX_new() else { throw Failed() }
        guard EVP_DigestInit_ex(context, EVP_sha256(), nil) == 1 else {
            EVP_MD_CTX_free(context)
            throw Failed()
        }
        self.context = context
    }

    deinit { EVP_MD_CTX_free(context) }

    public mutating func update(_ bytes: UnsafeRawBufferPointer) throws(Failed) {
        guard bytes.count > 0 else { return }
        guard EVP_DigestUpdate(context, bytes.baseAddress, bytes.count) == 1 else { throw Failed() }
    }

    /// Back to the digest of nothing, for a download that starts over.
    public mutating func reset() throws(Failed) {
        guard EVP_DigestInit_ex(context, EVP_sha256(), nil) == 1 else { throw Failed() }
    }

    /// The digest of the bytes fed so far, leaving the stream open for more (a copy of the state is finalized).
    public func digestSoFar() throws(Failed) -> String {
        let copy = try SHA256Stream()
        guard EVP_MD_CTX_copy_ex(copy.context, context) == 1 else { throw Failed() }
        return try copy.finalize()
    }

    /// The digest as 64 lowercase hex digits; the stream cannot be fed after this.
    public consuming func finalize() throws(Failed) -> String {
        var output = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let status = output.withUnsafeMutableBufferPointer { EVP_DigestFinal_ex(context, $0.baseAddress, &length) }
        guard status == 1, length == 32 else { throw Failed() }
        return HexEncoding.lowercase(output.prefix(32))
    }
}
