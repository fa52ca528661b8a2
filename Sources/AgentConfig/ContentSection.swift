import Content

/// One [[content_server]] decodes straight into the content client's `TrustedContentServer`:
/// url (`https://host[:port][/path]`; `http://` only with allow_plain_http), name (the host when not set),
/// allow_plain_http, ca_file.
extension TrustedContentServer {
    /// Checks the shape of a server URL: a scheme the agent speaks, a host, and nothing that would carry
    /// credentials or vary per request.
    static func problem(with url: String, allowPlainHTTP: Bool) -> String? {
        let lower = url.lowercased()
        let scheme: String
        if lower.hasPrefix("https://") {
            scheme = "https"
        } else if lower.hasPrefix("http://") {
            guard allowPlainHTTP else {
                return "'\(url)' is plain http; use https, or set allow_plain_http = true for a server on a network you trust"
            }
            scheme = "http"
        } else {
            return "'\(url)' must start with https:// (or http:// with allow_plain_http = true)"
        }
        let rest = url.dropFirst(scheme.count + 3)
        let authority = rest.prefix { $0 != "/" }
        if authority.isEmpty { return "'\(url)' has no host" }
        if authority.contains("@") { return "'\(url)' must not carry a user or password" }
        if url.contains("?") || url.contains("#") { return "'\(url)' must not have a query or fragment" }
        return nil
    }
}

/// [content]: where downloaded content goes and how much of the disk it may take.
public struct ContentSpoolSettings: Sendable, Equatable {
    /// spool_quota_mb: the most the spool (downloads waiting or printing) may hold; nil is no limit but the disk.
    public var quotaMegabytes: Int?
    /// reserve_mb: free space a download always leaves on the disk, for the system and its logs.
    public var reserveMegabytes: Int
    /// download_attempts: failed attempts one download may make in all, whatever their cause.
    public var downloadAttempts: Int
    /// download_min_rate_kib: KiB/s, the slowest average rate a download may have; with `downloadAllowance` it
    /// gives each download a deadline, so a server that trickles cannot hold a job for ever.
    public var downloadMinimumRateKiB: Int
    /// download_allowance: time a download gets on top of its size at the minimum rate.
    public var downloadAllowance: Duration

    public init(quotaMegabytes: Int? = nil, reserveMegabytes: Int = 64, downloadAttempts: Int = 20,
                downloadMinimumRateKiB: Int = 16, downloadAllowance: Duration = .seconds(120)) {
        self.quotaMegabytes = quotaMegabytes
        self.reserveMegabytes = reserveMegabytes
        self.downloadAttempts = downloadAttempts
        self.downloadMinimumRateKiB = downloadMinimumRateKiB
        self.downloadAllowance = downloadAllowance
    }
}
