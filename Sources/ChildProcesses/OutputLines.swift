import Synchronization

/// One output of a child, kept as it arrives: its lines, for a caller that waits for a particular one (a ready
/// line, an address, a token) or reads them in order, and its text. Bounded, so that a child that runs for hours
/// cannot fill the parent's memory: past `limit` lines the oldest are dropped.
public final class OutputLines: Sendable {
    private struct Waiter {
        /// The absolute index of the first line this waiter may take.
        var from: Int
        var matches: @Sendable (String) -> Bool
        var continuation: CheckedContinuation<(index: Int, line: String)?, Never>
    }

    private struct State {
        var lines: [String] = []
        /// How many lines were dropped from the front: `lines[0]` has this absolute index.
        var dropped = 0
        /// Bytes after the last newline.
        var partial: [UInt8] = []
        /// Where `next()` reads.
        var cursor = 0
        var ended = false
        /// The output ended without a newline after its last line.
        var unterminated = false
        var waiters: [Int: Waiter] = [:]
        var nextWaiter = 0
    }

    private let state = Mutex(State())
    private let limit: Int

    public init(limit: Int = 100_000) {
        self.limit = limit
    }

    /// Every line kept, oldest first.
    public var all: [String] { state.withLock { $0.lines } }

    /// The kept lines as text, as the child wrote them (so far).
    public var text: String {
        state.withLock { state in
            var text = state.lines.map { $0 + "\n" }.joined()
            if state.unterminated { text.removeLast() }
            return text + String(decoding: state.partial, as: UTF8.self)
        }
    }

    /// The next line in order (the first call gives the first line); nil once the output has ended.
    public func next() async -> String? {
        let from = state.withLock { $0.cursor }
        guard let found = await line(from: from, where: { _ in true }) else { return nil }
        state.withLock { $0.cursor = max($0.cursor, found.index + 1) }
        return found.line
    }

    /// The first line, from the start of the output, that `matches`; nil when the output ended (or the waiting
    /// task was cancelled) without one.
    public func first(where matches: @escaping @Sendable (String) -> Bool) async -> String? {
        await line(from: 0, where: matches)?.line
    }

    private func line(from: Int, where matches: @escaping @Sendable (String) -> Bool) async -> (index: Int, line: String)? {
        let id = state.withLock { state -> Int in
            state.nextWaiter += 1
            return state.nextWaiter
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let immediate = state.withLock { state -> (index: Int, line: String)?? in
                    let start = max(from, state.dropped)
                    for index in start..<(state.dropped + state.lines.count) where matches(state.lines[index - state.dropped]) {
                        return (index, state.lines[index - state.dropped])
                    }
                    if state.ended || Task.isCancelled { return .some(nil) }
                    state.waiters[id] = Waiter(from: start, matches: matches, continuation: continuation)
                    return nil
                }
                if let immediate { continuation.resume(returning: immediate) }
            }
        } onCancel: {
            state.withLock { $0.waiters.removeValue(forKey: id) }?.continuation.resume(returning: nil)
        }
    }

    /// Bytes as the child wrote them; whole lines are kept and handed to whoever waits for them.
    func append(_ bytes: UnsafeRawBufferPointer) {
        var resumed: [(CheckedContinuation<(index: Int, line: String)?, Never>, (Int, String))] = []
        state.withLock { state in
            var start = bytes.startIndex
            while let newline = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) {
                state.partial.append(contentsOf: bytes[start..<newline])
                Self.add(String(decoding: state.partial, as: UTF8.self), to: &state, limit: limit, resumed: &resumed)
                state.partial.removeAll(keepingCapacity: true)
                start = newline + 1
            }
            state.partial.append(contentsOf: bytes[start...])
        }
        for (continuation, found) in resumed { continuation.resume(returning: found) }
    }

    func append(text: String) {
        Array(text.utf8).withUnsafeBytes { append($0) }
    }

    /// The output has ended: a last line without a newline still counts, and waiters get nil.
    func finish() {
        var resumed: [(CheckedContinuation<(index: Int, line: String)?, Never>, (Int, String))] = []
        let waiting = state.withLock { state -> [Waiter] in
            if !state.partial.isEmpty {
                Self.add(String(decoding: state.partial, as: UTF8.self), to: &state, limit: limit, resumed: &resumed)
                state.partial.removeAll()
                state.unterminated = true
            }
            state.ended = true
            defer { state.waiters.removeAll() }
            return Array(state.waiters.values)
        }
        for (continuation, found) in resumed { continuation.resume(returning: found) }
        for waiter in waiting { waiter.continuation.resume(returning: nil) }
    }

    private static func add(_ line: String, to state: inout State, limit: Int,
                            resumed: inout [(CheckedContinuation<(index: Int, line: String)?, Never>, (Int, String))]) {
        let index = state.dropped + state.lines.count
        state.lines.append(line)
        // Dropped in batches, so that a long run does not shift the array at every line.
        if state.lines.count > limit + limit / 8 {
            let excess = state.lines.count - limit
            state.lines.removeFirst(excess)
            state.dropped += excess
        }
        for (id, waiter) in state.waiters where waiter.from <= index && waiter.matches(line) {
            state.waiters.removeValue(forKey: id)
            resumed.append((waiter.continuation, (index, line)))
        }
    }
}
