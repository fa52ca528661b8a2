/// How far a download is: `bytes` of `total` are in the part file, `resumedFrom` of them were there before.
public struct DownloadProgress: Sendable, Equatable {
    public var bytes: Int64
    public var total: Int64
    public var resumedFrom: Int64

    public init(bytes: Int64, total: Int64, resumedFrom: Int64) {
        self.bytes = bytes
        self.total = total
        self.resumedFrom = resumedFrom
    }
}

/// A content in its final place in the spool, its size and SHA-256 checked.
public struct DownloadedContent: Sendable, Equatable {
    public var path: String
    public var size: Int64
    public var sha256: String
    /// Bytes that were already in the part file when this download started (0 for a fresh one).
    public var resumedFrom: Int64
    /// Content requests made (1 when nothing went wrong).
    public var attempts: Int

    public init(path: String, size: Int64, sha256: String, resumedFrom: Int64, attempts: Int) {
        self.path = path
        self.size = size
        self.sha256 = sha256
        self.resumedFrom = resumedFrom
        self.attempts = attempts
    }
}
