/// One direction of a serial line at a fixed baud rate, 8N1: ten bit times per byte, so baud/10 bytes per second.
/// Bytes put in at one end leave the other end back to back at that rate. Chunks remember when their first byte
/// completes, so the cost is per chunk, not per byte.
struct SerialWire: Sendable {
    let bytesPerSecond: Double

    private struct Chunk {
        var bytes: [UInt8]
        var delivered: Int
        /// When `bytes[0]` has fully crossed the wire.
        var firstArrival: Double
    }

    private var chunks: [Chunk] = []
    private var firstChunk = 0
    /// When the wire finishes the last byte it has been given.
    private var busyUntil = 0.0
    private(set) var backlog = 0

    init(baudRate: Int) {
        precondition(baudRate > 0, "a baud rate is positive")
        bytesPerSecond = Double(baudRate) / 10
    }

    /// Puts bytes on the wire at `time`; they start after whatever is still crossing.
    mutating func send<Bytes: Collection>(_ bytes: Bytes, at time: Double) where Bytes.Element == UInt8 {
        guard !bytes.isEmpty else { return }
        let start = max(time, busyUntil)
        chunks.append(Chunk(bytes: Array(bytes), delivered: 0, firstArrival: start + 1 / bytesPerSecond))
        busyUntil = start + Double(bytes.count) / bytesPerSecond
        backlog += bytes.count
    }

    /// Appends to `output` every byte that has fully arrived by `time`.
    mutating func receive(arrivedBy time: Double, into output: inout [UInt8]) {
        while firstChunk < chunks.count {
            let chunk = chunks[firstChunk]
            guard time >= chunk.firstArrival else { break }
            // The epsilon absorbs rounding when `time` was computed as exactly this arrival.
            let arrived = min(chunk.bytes.count, Int((time - chunk.firstArrival) * bytesPerSecond + 1e-6) + 1)
            if arrived > chunk.delivered {
                output.append(contentsOf: chunk.bytes[chunk.delivered..<arrived])
                backlog -= arrived - chunk.delivered
                chunks[firstChunk].delivered = arrived
            }
            guard arrived == chunk.bytes.count else { break }
            firstChunk += 1
        }
        if firstChunk > 64 || firstChunk == chunks.count {
            chunks.removeFirst(firstChunk)
            firstChunk = 0
        }
    }

    /// When the next line ending (`\n` or `\r`) still on the wire will have arrived: the next moment the far end
    /// has a reason to act.
    func nextLineEndArrival() -> Double? {
        var index = firstChunk
        while index < chunks.count {
            let chunk = chunks[index]
            var position = chunk.delivered
            while position < chunk.bytes.count {
                let byte = chunk.bytes[position]
                if byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") {
                    return chunk.firstArrival + Double(position) / bytesPerSecond
                }
                position += 1
            }
            index += 1
        }
        return nil
    }

    /// When the last byte on the wire arrives, if any is still crossing.
    func lastArrival() -> Double? {
        backlog > 0 ? busyUntil : nil
    }

    /// Forgets everything on the wire, as a hang-up does.
    mutating func clear() {
        chunks.removeAll()
        firstChunk = 0
        backlog = 0
    }
}
