import Foundation

/// What the content server says is selected for a token (DESIGN §5): `GET /3dp/v1/selection` answers with this.
/// The reference content server encodes the same type, so the two sides cannot drift apart.
public struct ContentSelection: Sendable, Equatable, Codable {
    public var contentId: String
    public var name: String
    /// Where the bytes are; the token goes with the request only when this has the content server's own origin.
    public var uri: String
    public var size: Int64
    /// 64 lowercase hex digits.
    public var sha256: String
    public var mediaType: String
    /// ISO 8601; when the token stops working.
    public var expiresAt: String

    public init(contentId: String, name: String, uri: String, size: Int64, sha256: String, mediaType: String,
                expiresAt: String) {
        self.contentId = contentId
        self.name = name
        self.uri = uri
        self.size = size
        self.sha256 = sha256
        self.mediaType = mediaType
        self.expiresAt = expiresAt
    }
}
