/// Faults a test asks the server to inject into content downloads. Each kind is off while its trigger is unset; a
/// count says for how many more responses the fault still fires, and goes down each time it does.
public struct ContentFaults: Sendable, Codable, Equatable {
    /// Close the connection abruptly after this many body bytes of a response...
    public var dropAfterBytes: Int64?
    /// ...for this many more responses (only responses longer than `dropAfterBytes` count).
    public var dropCount: Int
    /// Flip one byte at this absolute file offset...
    public var corruptOffset: Int64?
    /// ...in this many more responses that include that offset.
    public var corruptCount: Int
    /// Throttle every download to this rate while set.
    public var bytesPerSecond: Int?
    /// Answer this status (e.g. 503) instead of the content...
    public var failStatus: Int?
    /// ...to this many more downloads.
    public var failCount: Int
    /// A lying server, while set: every `Range` header is ignored and the whole file is answered with 200.
    public var ignoreRange: Bool
    /// A lying server, while set: a body ends, cleanly and with a matching `Content-Length`, after at most this
    /// many bytes, though the selection announced the whole file.
    public var shortBodyBytes: Int64?
    /// A server that never quite stops, while set: the body goes out one byte per this many milliseconds (a rate
    /// below the 1 byte/s `bytesPerSecond` can say, slow enough to keep a client's idle timeout from firing).
    public var trickleMilliseconds: Int?

    public static let none = ContentFaults()

    public init(dropAfterBytes: Int64? = nil, dropCount: Int = 1, corruptOffset: Int64? = nil, corruptCount: Int = 1,
                bytesPerSecond: Int? = nil, failStatus: Int? = nil, failCount: Int = 1, ignoreRange: Bool = false,
                shortBodyBytes: Int64? = nil, trickleMilliseconds: Int? = nil) {
        self.dropAfterBytes = dropAfterBytes
        self.dropCount = dropCount
        self.corruptOffset = corruptOffset
        self.corruptCount = corruptCount
        self.bytesPerSecond = bytesPerSecond
        self.failStatus = failStatus
        self.failCount = failCount
        self.ignoreRange = ignoreRange
        self.shortBodyBytes = shortBodyBytes
        self.trickleMilliseconds = trickleMilliseconds
    }

    /// A plan sent as JSON may leave out the counts: a set trigger then fires once.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(dropAfterBytes: try container.decodeIfPresent(Int64.self, forKey: .dropAfterBytes),
                  dropCount: try container.decodeIfPresent(Int.self, forKey: .dropCount) ?? 1,
                  corruptOffset: try container.decodeIfPresent(Int64.self, forKey: .corruptOffset),
                  corruptCount: try container.decodeIfPresent(Int.self, forKey: .corruptCount) ?? 1,
                  bytesPerSecond: try container.decodeIfPresent(Int.self, forKey: .bytesPerSecond),
                  failStatus: try container.decodeIfPresent(Int.self, forKey: .failStatus),
                  failCount: try container.decodeIfPresent(Int.self, forKey: .failCount) ?? 1,
                  ignoreRange: try container.decodeIfPresent(Bool.self, forKey: .ignoreRange) ?? false,
                  shortBodyBytes: try container.decodeIfPresent(Int64.self, forKey: .shortBodyBytes),
                  trickleMilliseconds: try container.decodeIfPresent(Int.self, forKey: .trickleMilliseconds))
    }

    /// What one download response suffers, decided when it starts.
    public enum Verdict: Equatable, Sendable {
        case fail(status: Int)
        case send(DownloadFaults)
    }

    /// Decides the faults of the next download response, which would carry `range` of the file (nil: an empty
    /// body), and uses up the counts of the faults that fire.
    public mutating func next(for range: ClosedRange<Int64>?) -> Verdict {
        if let failStatus, failCount > 0 {
            failCount -= 1
            return .fail(status: failStatus)
        }
        var faults = DownloadFaults(bytesPerSecond: bytesPerSecond.flatMap { $0 > 0 ? $0 : nil },
                                    trickleMilliseconds: trickleMilliseconds.flatMap { $0 > 0 ? $0 : nil })
        let length = range.map { $0.upperBound - $0.lowerBound + 1 } ?? 0
        if let dropAfterBytes, dropCount > 0, length > dropAfterBytes {
            dropCount -= 1
            faults.dropAfterBytes = dropAfterBytes
        }
        if let corruptOffset, corruptCount > 0, let range, range.contains(corruptOffset) {
            corruptCount -= 1
            faults.corruptOffset = corruptOffset
        }
        return .send(faults)
    }
}

/// The faults one response body suffers while it is streamed.
public struct DownloadFaults: Equatable, Sendable {
    /// Body bytes to send before the connection is closed.
    public var dropAfterBytes: Int64?
    /// Absolute file offset whose byte is flipped.
    public var corruptOffset: Int64?
    public var bytesPerSecond: Int?
    /// One byte per this many milliseconds.
    public var trickleMilliseconds: Int?

    public init(dropAfterBytes: Int64? = nil, corruptOffset: Int64? = nil, bytesPerSecond: Int? = nil,
                trickleMilliseconds: Int? = nil) {
        self.dropAfterBytes = dropAfterBytes
        self.corruptOffset = corruptOffset
        self.bytesPerSecond = bytesPerSecond
        self.trickleMilliseconds = trickleMilliseconds
    }
}
