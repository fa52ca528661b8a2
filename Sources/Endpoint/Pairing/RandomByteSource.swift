import COpenSSL

/// Where secrets (pairing codes, tokens, token ids) get their randomness; injected so tests can script it.
public protocol RandomByteSource: Sendable {
    func randomBytes(count: Int) throws(RandomnessUnavailable) -> [UInt8]
}

/// The random generator refused to produce bytes; a secret must never be made from anything weaker.
public struct RandomnessUnavailable: Error, Equatable, CustomStringConvertible {
    public init() {}
    public var description: String { "the random generator (OpenSSL RAND_bytes) produced no bytes" }
}

/// OpenSSL's CSPRNG (`RAND_bytes`), seeded by the kernel.
public struct OpenSSLRandom: RandomByteSource {
    public init() {}

    public func randomBytes(count: Int) throws(RandomnessUnavailable) -> [UInt8] {
        guard count > 0 else { return [] }
        var bytes = [UInt8](repeating: 0, count: count)
        let status = bytes.withUnsafeMutableBytes { buffer in
            RAND_bytes(buffer.baseAddress!.assumingMemoryBound(to: UInt8.self), Int32(count))
        }
        guard status == 1 else { throw RandomnessUnavailable() }
        return bytes
    }
}
