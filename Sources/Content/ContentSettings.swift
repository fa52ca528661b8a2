/// A content server the agent is configured to fetch from (`content.servers`); nothing else is ever contacted.
public struct TrustedContentServer: Sendable, Equatable {
    /// Scheme, host, optional port and optional path prefix, e.g. `https://files.example.com/3dp`.
    public var url: String
    public var name: String
    /// `http://` is refused unless this is set: the token would cross the network in clear text.
    public var allowPlainHTTP: Bool
    /// A PEM file of the certificate authorities to trust for this server instead of the system store.
    public var caFile: String?

    public init(url: String, name: String, allowPlainHTTP: Bool = false, caFile: String? = nil) {
        self.url = url
        self.name = name
        self.allowPlainHTTP = allowPlainHTTP
        self.caFile = caFile
    }
}

/// How the content client may use the network and the spool.
public struct ContentSettings: Sendable {
    public var servers: [TrustedContentServer]
    public var spoolDirectory: String
    /// The most the spool's regular files may hold together, counting the new content; nil = no quota.
    public var spoolQuotaBytes: Int64?
    /// Left free on the spool's file system after a download, so the rest of the board keeps working.
    public var reserveBytes: Int64
    public var retry: RetryPolicy
    /// A response that sends no byte for this long counts as a dropped connection.
    public var idleTimeout: Duration
    /// The most attempts and time one download may take, whatever the server does.
    public var bounds: DownloadBounds

    public static let defaultReserveBytes: Int64 = 64 << 20

    public init(servers: [TrustedContentServer], spoolDirectory: String, spoolQuotaBytes: Int64? = nil,
                reserveBytes: Int64 = ContentSettings.defaultReserveBytes, retry: RetryPolicy = RetryPolicy(),
                idleTimeout: Duration = .seconds(30), bounds: DownloadBounds = DownloadBounds()) {
        self.servers = servers
        self.spoolDirectory = spoolDirectory
        self.spoolQuotaBytes = spoolQuotaBytes
        self.reserveBytes = reserveBytes
        self.retry = retry
        self.idleTimeout = idleTimeout
        self.bounds = bounds
    }
}

/// Exponential backoff between attempts that failed for reasons that may pass (connection, timeout, 5xx).
public struct RetryPolicy: Sendable, Equatable {
    /// Attempts allowed in a row without progress: a download's part growing past the longest it has been (a
    /// selection: any answer); progress starts the count again. `DownloadBounds` limits the attempts in all.
    public var attempts: Int
    public var firstDelay: Duration
    public var maxDelay: Duration
    /// The fraction by which a delay may be shortened or lengthened, so that agents do not retry in step.
    public var jitter: Double

    public init(attempts: Int = 6, firstDelay: Duration = .milliseconds(500), maxDelay: Duration = .seconds(8),
                jitter: Double = 0.2) {
        self.attempts = attempts
        self.firstDelay = firstDelay
        self.maxDelay = maxDelay
        self.jitter = jitter
    }

    /// The wait after the `n`th failure in a row (1-based): firstDelay doubled each time, capped at maxDelay, then
    /// moved by the jitter: a `jitterSample` of 0 shortens by the full jitter, 1 lengthens by it, 0.5 leaves it.
    public func delay(afterFailure n: Int, jitterSample: Double = 0.5) -> Duration {
        let doublings = min(max(n - 1, 0), 30)
        var nominal = firstDelay
        for _ in 0..<doublings {
            nominal = nominal * 2
            if nominal >= maxDelay { break }
        }
        nominal = min(nominal, maxDelay)
        let sample = min(max(jitterSample, 0), 1)
        let factor = 1 + max(0, min(jitter, 1)) * (2 * sample - 1)
        return nominal * factor
    }

    /// Whether another attempt may follow `failuresInARow` failures without progress.
    public func allowsAnotherAttempt(after failuresInARow: Int) -> Bool {
        failuresInARow < attempts
    }
}
