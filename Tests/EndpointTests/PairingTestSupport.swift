import Endpoint
import Foundation

/// Randomness from a script, so codes and tokens are known in advance; an exhausted script is a failing generator.
final class ScriptedRandom: RandomByteSource, @unchecked Sendable {
    private let lock = NSLock()
    private var bytes: [UInt8]

    init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// Each word is one four-byte draw, big-endian, as `PairingCode.draw` reads it.
    convenience init(words: [UInt32]) {
        self.init(bytes: words.flatMap { word in (0..<4).reversed().map { UInt8(truncatingIfNeeded: word >> ($0 * 8)) } })
    }

    func randomBytes(count: Int) throws(RandomnessUnavailable) -> [UInt8] {
        lock.lock()
        defer { lock.unlock() }
        guard bytes.count >= count else { throw RandomnessUnavailable() }
        let drawn = Array(bytes.prefix(count))
        bytes.removeFirst(count)
        return drawn
    }
}
