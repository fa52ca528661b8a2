/// What ends a download whatever the server does (issue 14, finding 4). A server that ignores `Range` and answers
/// a body shorter than it announced, or one that sends a byte every 25 s, makes every attempt look alive: retries
/// alone never end such a download. So the failed attempts are counted in all, whatever their cause, and the
/// download has a deadline from what is still missing at a rate below which no real link stays.
public struct DownloadBounds: Sendable, Equatable {
    /// Failed attempts allowed for one download in all, progress or not (the retry policy's count of failures in a
    /// row without progress ends a dead server sooner).
    public var attempts: Int
    /// The slowest average rate accepted over the whole download, backoffs included.
    public var minimumBytesPerSecond: Int64
    /// Time allowed on top of the missing bytes at the minimum rate: connecting, the backoffs between attempts, the
    /// hash of a resumed part. It is what a small file gets.
    public var allowance: Duration

    public static let defaultAttempts = 20
    /// 16 KiB/s: a 100 MB G-code file gets close to two hours; a link slower than that is not printing from the
    /// network anyway.
    public static let defaultMinimumBytesPerSecond: Int64 = 16 << 10
    public static let defaultAllowance: Duration = .seconds(120)

    public init(attempts: Int = DownloadBounds.defaultAttempts,
                minimumBytesPerSecond: Int64 = DownloadBounds.defaultMinimumBytesPerSecond,
                allowance: Duration = DownloadBounds.defaultAllowance) {
        self.attempts = attempts
        self.minimumBytesPerSecond = minimumBytesPerSecond
        self.allowance = allowance
    }

    /// The time a download of `missingBytes` more bytes may take.
    public func deadline(missingBytes: Int64) -> Duration {
        let rate = max(minimumBytesPerSecond, 1)
        let missing = max(missingBytes, 0)
        // Whole seconds plus the remainder in milliseconds: exact enough, and no overflow for any Int64 size.
        return allowance + .seconds(missing / rate) + .milliseconds((missing % rate) * 1000 / rate)
    }

    /// Whether another attempt may follow this many failed ones.
    public func allowsAnotherAttempt(afterFailures failed: Int) -> Bool {
        failed < attempts
    }
}
