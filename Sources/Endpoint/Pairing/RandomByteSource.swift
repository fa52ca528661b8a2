/// Where secrets (pairing codes, tokens, token ids) get their randomness; injected so tests can script it.
public protocol RandomByteSource: Sendable {
    func randomBytes(count: Int) throws(RandomnessUnavailable) -> [UInt8]
}

/// The random generator refused to produce bytes; a secret must never be made from anything weaker.
public struct RandomnessUnavailable: Error, Equatable, CustomStringConvertible {
    public init() {}
    public var description: String { "the random generator produced no bytes" }
}

/// The kernel's CSPRNG: Swift's `SystemRandomNumberGenerator`, which is getrandom(2) on Linux, documented as
/// cryptographically secure on every platform. getrandom blocks only until the pool is first seeded at boot, and
/// the standard library stops the process rather than hand out weaker bytes.
public struct KernelRandom: RandomByteSource {
    public init() {}

    public func randomBytes(count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        var bytes = [UInt8]()
        bytes.reserveCapacity(count + 7)
        while bytes.count < count {
            withUnsafeBytes(of: generator.next() as UInt64) { bytes.append(contentsOf: $0) }
        }
        return Array(bytes.prefix(count))
    }
}
