/// What a job prints, as its content server described it: enough to fetch it again, check it, and tell a
/// person what it is.
public struct ContentDescriptor: Sendable, Equatable, Codable {
    /// The content server's base URL, one of the configured `content.servers`.
    public var server: String
    /// Filled in once the server answered the selection; empty before.
    public var contentId: String
    public var mediaType: String
    public var size: Int64
    public var sha256: String

    public init(server: String, contentId: String = "", mediaType: String = "", size: Int64 = 0, sha256: String = "") {
        self.server = server
        self.contentId = contentId
        self.mediaType = mediaType
        self.size = size
        self.sha256 = sha256
    }

    /// Whether the selection has been read from the server.
    public var isKnown: Bool { !contentId.isEmpty }
}
