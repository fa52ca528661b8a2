/// BUFSIZE learned from ADVANCED_OK. `B` is the command buffer's free slots while the acknowledged command
/// still holds one, so BUFSIZE is the largest `B` plus one. A garbled digit can show any `B` once in a while:
/// only a value that makes up at least 5% of what the firmware said counts.
struct BufferSizeEstimate {
    private var seen = [Int](repeating: 0, count: 65)
    private var observations = 0
    /// BUFSIZE, or 0 while not known.
    private(set) var size = 0

    /// Notes one `B`; true when the estimate was worked out again (every 8th report once 20 arrived).
    mutating func note(bufferFree: Int) -> Bool {
        guard bufferFree >= 0, bufferFree < seen.count else { return false }
        seen[bufferFree] += 1
        observations += 1
        guard observations >= 20, observations % 8 == 0 || size == 0 else { return false }
        for value in stride(from: seen.count - 1, through: 0, by: -1) where seen[value] * 20 >= observations {
            size = value + 1
            return true
        }
        return false
    }

    /// The highest line number that has surely executed, given the `N` and `B` of an `ok`: `BUFSIZE - 1 - B` lines
    /// after the acknowledged one wait in the queue. (Firmwares whose `N` is the acknowledged line itself satisfy
    /// the same bound, more loosely.) Nil while BUFSIZE is not known.
    func executedThrough(lastReceived: Int, bufferFree: Int) -> Int? {
        guard size > 0 else { return nil }
        return lastReceived - max(0, size - 1 - bufferFree)
    }
}
