/// Why the host sent a line; decides what its `ok` means.
enum LinePurpose: Equatable {
    /// `M110 N0` while connecting.
    case hello
    /// M115 and M211 while connecting.
    case identify
    case buildVolume
    /// Setup after the handshake (`M155 S<n>`).
    case setup
    /// A temperature poll or a probe after a silence.
    case poll
    /// One command of the job file.
    case job(JobLineRef)
    /// A console command; its `ok` completes the request with this id.
    case console(UInt64)
    /// A pause, resume, cancel or completion script line.
    case script
    /// An emergency command sent ahead of the queue (unnumbered).
    case emergency
    /// `N<n> M110 N<n>`: the firmware's line number is set to where the host is — after a job stops mid-resend
    /// (so that the cancel script is accepted instead of rejected for the line it still wants), and after the
    /// firmware's numbering jumped away from the host's.
    case renumber
}

/// Where a job line came from in the file.
struct JobLineRef: Equatable {
    var commandIndex: Int
    var fileLine: Int
    var endOffset: Int64
}

/// One line on its way to the firmware whose `ok` has not arrived yet.
struct Transmission {
    var number: Int?
    var byteCount: Int
    var purpose: LinePurpose
    var isLong: Bool
    /// M110: Marlin 2.1 sets its line number again when it executes it, so nothing may follow it before its `ok`.
    var isBarrier: Bool
    var sentAt: ContinuousClock.Instant
    /// Given up by a stalled cancel: it no longer counts against the window, but keeps its place so that its
    /// `ok`, if it comes, is not taken for a later line's.
    var abandoned = false
}

/// A line sent with a number, kept so that a resend request can be answered byte for byte.
struct SentLine {
    var bytes: [UInt8]
    var purpose: LinePurpose
    var isLong: Bool
    var isBarrier: Bool

    /// The command as it was queued, without `N<n> ` and `*<checksum>`: to send it again under a new number.
    var command: [UInt8] {
        guard let space = bytes.firstIndex(of: UInt8(ascii: " ")),
              let star = bytes.lastIndex(of: UInt8(ascii: "*")), star > space else { return bytes }
        return Array(bytes[(space + 1)..<star])
    }
}

/// The last N numbered lines, addressed by line number.
struct ResendHistory {
    private var slots: [SentLine?]
    private(set) var highest: Int = -1

    init(capacity: Int) {
        slots = Array(repeating: nil, count: max(capacity, 8))
    }

    /// The oldest line number still held.
    var oldest: Int { max(0, highest - slots.count + 1) }

    mutating func store(_ line: SentLine, number: Int) {
        slots[number % slots.count] = line
        highest = max(highest, number)
    }

    subscript(number: Int) -> SentLine? {
        guard number >= oldest, number <= highest else { return nil }
        return slots[number % slots.count]
    }

    mutating func reset() {
        for index in slots.indices { slots[index] = nil }
        highest = -1
    }
}

/// A line the host wants to send, waiting for room in the window.
struct PendingLine {
    var command: [UInt8]
    var purpose: LinePurpose
}

/// The firmware asked for a line the host cannot send again: `requests` such requests for `line` so far, one
/// per line it rejected; believed once repeated or confirmed by the error's `Last Line:`.
struct LineNumberDesync {
    var line: Int
    var requests = 0
    var believed = false
    /// Rejections of lines still on the wire may come until then.
    var quietUntil: ContinuousClock.Instant

    init(line: Int, quietUntil: ContinuousClock.Instant) {
        self.line = line
        self.quietUntil = quietUntil
    }
}
