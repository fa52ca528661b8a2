import Hummingbird
import NIOCore

/// Passes a response body to the connection while counting it, recording it, and injecting its download faults:
/// a flipped byte, a throttle, a trickle, an abrupt close after N bytes. Also ends the body when the server stops.
struct MeteredBodyWriter: ResponseBodyWriter {
    struct DroppedOnPurpose: Error {}
    struct ServerStopping: Error {}

    var base: any ResponseBodyWriter
    let faults: DownloadFaults
    /// File offset of the body's first byte (0 for anything that is not a file).
    let firstOffset: Int64
    /// Bytes the body announces; the record is made just before the last of them is handed over.
    let length: Int64
    let stop: StopSignal
    let record: @Sendable (_ bodyBytes: Int64) -> Void
    /// Waits until what was written has left for the socket, so a drop cuts after exactly N bytes and not before.
    let drain: @Sendable () async -> Void
    private var sent: Int64 = 0
    private var recorded = false
    private let started = ContinuousClock.now

    init(base: any ResponseBodyWriter, faults: DownloadFaults, firstOffset: Int64, length: Int64, stop: StopSignal,
         drain: @escaping @Sendable () async -> Void = {}, record: @escaping @Sendable (_ bodyBytes: Int64) -> Void) {
        self.base = base
        self.faults = faults
        self.firstOffset = firstOffset
        self.length = length
        self.stop = stop
        self.record = record
        self.drain = drain
    }

    mutating func write(_ buffer: ByteBuffer) async throws {
        do {
            try await pass(buffer)
        } catch {
            recordOnce()
            throw error
        }
    }

    consuming func finish(_ trailingHeaders: HTTPFields?) async throws {
        recordOnce()
        try await base.finish(trailingHeaders)
    }

    private mutating func pass(_ incoming: ByteBuffer) async throws {
        var buffer = incoming
        if let offset = faults.corruptOffset {
            let index = offset - firstOffset - sent
            if index >= 0, index < Int64(buffer.readableBytes) {
                let at = buffer.readerIndex + Int(index)
                buffer.setInteger(buffer.getInteger(at: at, as: UInt8.self)! ^ 0xFF, at: at)
            }
        }
        var dropping = false
        if let limit = faults.dropAfterBytes, sent + Int64(buffer.readableBytes) > limit {
            buffer = buffer.getSlice(at: buffer.readerIndex, length: Int(max(0, limit - sent)))!
            dropping = true
        }
        if let interval = faults.trickleMilliseconds {
            while buffer.readableBytes > 0 {
                let byte = buffer.readSlice(length: 1)!
                try await pause(.milliseconds(interval))
                try await hand(byte)
            }
        } else if let rate = faults.bytesPerSecond {
            // Small pieces so the throttle is smooth and a stop is noticed within a tick.
            let piece = max(1, min(rate / 20, 64 * 1024))
            while buffer.readableBytes > 0 {
                let part = buffer.readSlice(length: min(piece, buffer.readableBytes))!
                try await waitForRate(rate, after: Int64(part.readableBytes))
                try await hand(part)
            }
        } else if buffer.readableBytes > 0 {
            try await hand(buffer)
        }
        if dropping {
            recordOnce()
            await drain()
            throw DroppedOnPurpose()
        }
    }

    private mutating func hand(_ buffer: ByteBuffer) async throws {
        guard !stop.isSet else { throw ServerStopping() }
        if sent + Int64(buffer.readableBytes) >= length { recordOnce(adding: Int64(buffer.readableBytes)) }
        try await base.write(buffer)
        sent += Int64(buffer.readableBytes)
    }

    /// Sleeps until sending `bytes` more keeps the body at or under `rate` since it started.
    private func waitForRate(_ rate: Int, after bytes: Int64) async throws {
        let due = started + .nanoseconds((sent + bytes) * 1_000_000_000 / Int64(rate))
        while ContinuousClock.now < due {
            guard !stop.isSet else { throw ServerStopping() }
            try await Task.sleep(until: min(due, .now + .milliseconds(50)), clock: .continuous)
        }
    }

    /// Sleeps for `interval`, ending early with an error when the server stops.
    private func pause(_ interval: Duration) async throws {
        let due = ContinuousClock.now + interval
        while ContinuousClock.now < due {
            guard !stop.isSet else { throw ServerStopping() }
            try await Task.sleep(until: min(due, .now + .milliseconds(50)), clock: .continuous)
        }
    }

    private mutating func recordOnce(adding pending: Int64 = 0) {
        guard !recorded else { return }
        recorded = true
        record(sent + pending)
    }
}
