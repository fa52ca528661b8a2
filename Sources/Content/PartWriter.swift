import Foundation
import NIOCore

/// Hashes and writes a download's buffers on a thread of its own, so that the connection's event loop only reads
/// the socket. On a two-core board the reading, the hashing and writing, and a local server each want much of a
/// core; done in one thread they held the download to half of curl's throughput on loopback. At most `limit`
/// bytes wait in the queue: past that the event loop is told to stop reading until the thread catches up, so
/// memory stays bounded whatever the content's size.
final class PartWriter: @unchecked Sendable {
    static let limit = 1 << 20

    private let part: PartFile
    private let progress: @Sendable (Int64) -> Void
    private let condition = NSCondition()
    private var queue = CircularBuffer<ByteBuffer>(initialCapacity: 64)
    private var queuedBytes = 0
    private var waitingForRoom: EventLoopPromise<Void>?
    private var drainWaiters: [CheckedContinuation<Void, Never>] = []
    private var failure: ContentError?
    private var closed = false
    private var writerIsWaiting = false
    /// The writer thread's own: the length last reported.
    private var reported: Int64 = 0
    private var reportedAt = ContinuousClock.now

    /// `progress` is called on the writer's thread with the part's length, every `ContentClient.progressStep` bytes or
    /// `ContentClient.progressInterval`, whichever comes first.
    init(part: PartFile, progress: @escaping @Sendable (Int64) -> Void) {
        self.part = part
        self.progress = progress
    }

    /// Starts the writer's thread; `close()` ends it. Kept out of `init` so that making a writer does nothing behind
    /// its caller's back.
    func start() {
        let thread = Thread { [self] in run() }
        thread.name = "content-writer"
        thread.start()
    }

    /// From the event loop: queues a buffer; the future completes when there is room for the next one.
    func enqueue(_ buffer: ByteBuffer, on eventLoop: any EventLoop) -> EventLoopFuture<Void> {
        condition.lock()
        defer { condition.unlock() }
        queue.append(buffer)
        queuedBytes += buffer.readableBytes
        // A wake-up per buffer would cost more than the buffer: the thread is woken only when it sleeps.
        if writerIsWaiting { condition.signal() }
        guard queuedBytes > Self.limit else { return eventLoop.makeSucceededVoidFuture() }
        let promise = eventLoop.makePromise(of: Void.self)
        waitingForRoom = promise
        return promise.futureResult
    }

    /// Once every queued buffer is written: the first write failure, if any (the bytes after it are dropped).
    func drained() async -> ContentError? {
        await withCheckedContinuation { continuation in
            condition.lock()
            if queuedBytes == 0 {
                condition.unlock()
                continuation.resume()
            } else {
                drainWaiters.append(continuation)
                condition.unlock()
            }
        }
        return takeFailure()
    }

    private func takeFailure() -> ContentError? {
        condition.lock()
        defer { condition.unlock() }
        let failed = failure
        failure = nil
        return failed
    }

    /// Ends the thread (once started) when the queue is empty.
    func close() {
        condition.lock()
        closed = true
        condition.signal()
        condition.unlock()
    }

    private func run() {
        condition.lock()
        while true {
            while queue.isEmpty && !closed {
                writerIsWaiting = true
                condition.wait()
                writerIsWaiting = false
            }
            guard let buffer = queue.popFirst() else { break }
            let failed = failure != nil
            condition.unlock()

            var error: ContentError?
            if !failed {
                do {
                    try buffer.withUnsafeReadableBytes { bytes throws(ContentError) in try part.append(bytes) }
                } catch let caught {
                    error = caught
                }
                // Every MiB on a fast link, and at least every quarter second on a slow one, so that a person
                // watching a large file over a weak Wi-Fi sees it move; a clock read per buffer costs nanoseconds.
                let now = ContinuousClock.now
                if part.length - reported >= ContentClient.progressStep || part.length < reported
                    || (part.length > reported && now - reportedAt >= ContentClient.progressInterval) {
                    reported = part.length
                    reportedAt = now
                    progress(part.length)
                }
            }

            condition.lock()
            if let error { failure = error }
            queuedBytes -= buffer.readableBytes
            var room: EventLoopPromise<Void>?
            if queuedBytes <= Self.limit / 2 {
                room = waitingForRoom
                waitingForRoom = nil
            }
            var waiters: [CheckedContinuation<Void, Never>] = []
            if queuedBytes == 0 { swap(&waiters, &drainWaiters) }
            condition.unlock()
            room?.succeed()
            waiters.forEach { $0.resume() }
            condition.lock()
        }
        let room = waitingForRoom
        waitingForRoom = nil
        let waiters = drainWaiters
        drainWaiters = []
        condition.unlock()
        room?.succeed()
        waiters.forEach { $0.resume() }
    }
}
