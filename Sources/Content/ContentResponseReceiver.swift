import AsyncHTTPClient
import NIOCore
import NIOHTTP1

/// One content response, received on the connection's event loop and handed buffer by buffer to the part writer
/// (no task hop per buffer: AsyncHTTPClient's async body did one and held the download to a third of curl's
/// throughput). The event loop reads on only while the writer's queue has room.
final class ContentResponseReceiver: HTTPClientResponseDelegate, @unchecked Sendable {
    typealias Response = Void

    /// Why the receiver stopped taking bytes before the response ended.
    enum Stop {
        case mismatch(String)
        case failed(ContentError)
    }

    private let part: PartFile
    private let writer: PartWriter
    private let requestedFrom: Int64
    private let size: Int64
    private let url: String
    /// The part's length when the body starts (0 after a restart).
    private var base: Int64

    // Read by the download only after the response's future has completed.
    private(set) var decision: ContentResponseDecision?
    private(set) var stop: Stop?
    /// Body bytes handed to the writer by this response.
    private(set) var received: Int64 = 0

    init(part: PartFile, writer: PartWriter, size: Int64, url: String) {
        self.part = part
        self.writer = writer
        self.requestedFrom = part.length
        self.size = size
        self.url = url
        self.base = part.length
    }

    func didReceiveHead(task: HTTPClient.Task<Void>, _ head: HTTPResponseHead) -> EventLoopFuture<Void> {
        let decision = ContentResponseDecision(
            status: Int(head.status.code), contentRange: head.headers.first(name: "Content-Range"),
            location: head.headers.first(name: "Location"), requestedFrom: requestedFrom, size: size, url: url)
        self.decision = decision
        // The writer is idle between responses, so the part can be emptied here.
        if case .write(from: 0) = decision, part.length > 0 {
            do { try part.truncate() } catch { halt(.failed(error), task) }
            base = 0
        }
        return task.eventLoop.makeSucceededVoidFuture()
    }

    func didReceiveBodyPart(task: HTTPClient.Task<Void>, _ buffer: ByteBuffer) -> EventLoopFuture<Void> {
        // Only a response whose bytes belong in the part is written; an error page is left unread.
        guard stop == nil, case .write? = decision else { return task.eventLoop.makeSucceededVoidFuture() }
        let count = Int64(buffer.readableBytes)
        if base + received + count > size {
            halt(.mismatch("the server sent more than the announced \(size) bytes"), task)
            return task.eventLoop.makeSucceededVoidFuture()
        }
        received += count
        return writer.enqueue(buffer, on: task.eventLoop)
    }

    func didFinishRequest(task: HTTPClient.Task<Void>) throws {}

    private func halt(_ reason: Stop, _ task: HTTPClient.Task<Void>) {
        stop = reason
        task.cancel()
    }
}
