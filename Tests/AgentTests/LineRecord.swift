import Synchronization

/// Lines as they come (a child's output, log messages), and a wait for the one a test expects.
final class LineRecord: Sendable {
    private let lines = Mutex<[String]>([])
    private let news: AsyncStream<Void>
    private let newsSink: AsyncStream<Void>.Continuation

    init() {
        (news, newsSink) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    var all: [String] { lines.withLock { $0 } }

    func append(_ line: String) {
        lines.withLock { $0.append(line) }
        newsSink.yield()
    }

    /// The first line that `matches`, waiting for it until `deadline`; nil when it did not come in time.
    func line(within deadline: Duration, where matches: @escaping @Sendable (String) -> Bool) async -> String? {
        await lines(atLeast: 1, within: deadline, where: matches).first
    }

    /// The lines that match once there are `count` of them, or what there is at `deadline`.
    func lines(atLeast count: Int, within deadline: Duration, where matches: @escaping @Sendable (String) -> Bool) async -> [String] {
        let matching: @Sendable () -> [String] = { [self] in all.filter(matches) }
        if matching().count >= count { return matching() }
        let news = self.news
        return await withTaskGroup(of: [String]?.self) { group in
            group.addTask {
                for await _ in news where matching().count >= count { return matching() }
                return nil
            }
            group.addTask {
                try? await Task.sleep(for: deadline)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first ?? matching()
        }
    }
}
