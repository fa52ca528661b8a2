/// Cuts the firmware's byte stream into reply lines, one step at a time, as bytes arrive in any chunks.
/// A line ends at LF; CRs before it and empty lines are dropped. A run of bytes with no newline for
/// `maxLineBytes` is garbage (noise, a wrong baud rate) and comes out as one line, so that memory stays bounded
/// and the console shows what arrived.
public struct ReplyLineFramer: Sendable {
    public enum Step: Equatable, Sendable {
        case line(ArraySlice<UInt8>)
        /// Everything in the buffer was taken; its unfinished line is kept for the next chunk.
        case needMoreData
    }

    public static let maxLineBytes = 4096

    /// The start of a line whose end has not arrived yet.
    private var partial: [UInt8] = []

    public init() {}

    /// Takes the next line off the front of `buffer`. A line that lies wholly in `buffer` comes back as a slice of
    /// it, without a copy: a printer sends thousands of `ok`s a second.
    public mutating func parseStep(_ buffer: inout ArraySlice<UInt8>) -> Step {
        while true {
            guard let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) else {
                partial.append(contentsOf: buffer)
                buffer = buffer[buffer.endIndex...]
                guard partial.count > Self.maxLineBytes else { return .needMoreData }
                let garbage = partial
                partial.removeAll(keepingCapacity: true)
                return .line(garbage[...])
            }
            var line: ArraySlice<UInt8>
            if partial.isEmpty {
                line = buffer[buffer.startIndex..<newline]
            } else {
                partial.append(contentsOf: buffer[buffer.startIndex..<newline])
                line = partial[...]
                partial.removeAll(keepingCapacity: true)
            }
            buffer = buffer[(newline + 1)...]
            while let last = line.last, last == UInt8(ascii: "\r") { line.removeLast() }
            if !line.isEmpty { return .line(line) }
        }
    }
}
