/// What an injected fault did to one line.
public enum LineFault: Equatable, Sendable {
    /// The byte at `offset` had the bits of `mask` inverted.
    case bitFlip(offset: Int, mask: UInt8)
    /// The byte at `offset` was lost.
    case droppedByte(offset: Int)
}

/// Corrupts lines at a fixed rate the way noise on a serial cable does: one bit flipped, or one byte lost.
///
/// The line ending is never touched and a flip never produces one (`\n` or `\r`), so lines stay framed: a damaged
/// line is caught by its checksum or line number instead of merging with its neighbour. Host lines also keep a
/// leading `N`: without it Marlin would treat the damaged line as unnumbered and run it unchecked, which real noise can
/// do but which no host can recover from, so it would only make runs with faults unreproducible as tests.
public struct LineFaultInjector: Sendable {
    public let rate: Double
    private var random: SplitMix64

    public init(rate: Double, seed: UInt64) {
        precondition(rate >= 0 && rate <= 1, "an error rate is a probability")
        self.rate = rate
        random = SplitMix64(seed: seed)
    }

    /// With probability `rate`, damages one byte of `line[eligible]` in place and says how.
    public mutating func corrupt(_ line: inout [UInt8], eligible: Range<Int>) -> LineFault? {
        guard rate > 0, random.nextUnit() < rate, !eligible.isEmpty else { return nil }
        let offset = eligible.lowerBound + Int(random.next() % UInt64(eligible.count))
        if random.next() & 1 == 0 {
            line.remove(at: offset)
            return .droppedByte(offset: offset)
        }
        var bit = Int(random.next() % 8)
        for _ in 0..<8 {
            let mask = UInt8(1) << UInt8(bit)
            let flipped = line[offset] ^ mask
            if flipped != UInt8(ascii: "\n") && flipped != UInt8(ascii: "\r") {
                line[offset] = flipped
                return .bitFlip(offset: offset, mask: mask)
            }
            bit = (bit + 1) % 8
        }
        return nil
    }

    /// The part of a host line that noise may hit: everything but a leading `N` (after any spaces).
    public static func eligibleRange(ofHostLine line: [UInt8]) -> Range<Int> {
        var start = 0
        while start < line.count, line[start] == UInt8(ascii: " ") { start += 1 }
        if start < line.count, line[start] == UInt8(ascii: "N") { return (start + 1)..<line.count }
        return 0..<line.count
    }
}
