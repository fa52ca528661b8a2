/// FNV-1a (64 bit) over commands, each followed by a newline: a host that computes the same digest over the lines it
/// sent can check that the printer executed exactly those commands, once each and in order, without either side
/// keeping the commands in memory.
public struct CommandDigest: Sendable, Equatable, Hashable {
    @usableFromInline var state: UInt64 = 0xCBF2_9CE4_8422_2325

    public var value: UInt64 { state }

    public init() {}

    @inlinable
    public mutating func add<Command: Sequence>(_ command: Command) where Command.Element == UInt8 {
        var hash = state
        for byte in command {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
        }
        hash = (hash ^ 0x0A) &* 0x0000_0100_0000_01B3
        state = hash
    }

    public mutating func add(_ command: String) {
        add(command.utf8)
    }
}

/// Every command the firmware executed, in order, packed into one byte buffer (a String per command would cost an
/// allocation each on the hot path).
struct CommandLog: Sendable {
    private var bytes: [UInt8] = []
    private var ends: [Int] = []
    private(set) var count = 0
    private(set) var digest = CommandDigest()
    let keepsCommands: Bool
    /// Commands not yet written to the log file, one per line; nil when there is no log file.
    private var unwritten: [UInt8]?

    init(keepsCommands: Bool, mirrorsToFile: Bool = false) {
        self.keepsCommands = keepsCommands
        unwritten = mirrorsToFile ? [] : nil
    }

    /// Hands over the lines still to be written to the log file.
    mutating func takeUnwritten(into sink: inout [UInt8]) {
        guard let pending = unwritten, !pending.isEmpty else { return }
        sink.append(contentsOf: pending)
        unwritten!.removeAll(keepingCapacity: true)
    }

    mutating func append(_ command: ArraySlice<UInt8>) {
        count += 1
        digest.add(command)
        if keepsCommands {
            bytes.append(contentsOf: command)
            ends.append(bytes.count)
        }
        if unwritten != nil {
            unwritten!.append(contentsOf: command)
            unwritten!.append(UInt8(ascii: "\n"))
        }
    }

    var commands: [String] {
        var result: [String] = []
        result.reserveCapacity(ends.count)
        var start = 0
        for end in ends {
            result.append(String(decoding: bytes[start..<end], as: UTF8.self))
            start = end
        }
        return result
    }
}
