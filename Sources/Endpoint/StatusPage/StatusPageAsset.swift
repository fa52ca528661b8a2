import Digest

/// One file of the status page as the agent serves it: its bytes, its media type and an entity tag, so that a
/// browser that has it already gets `304 Not Modified` instead of the file again.
struct StatusPageAsset: Sendable {
    let name: String
    let contentType: String
    let bytes: [UInt8]
    let entityTag: String

    init(name: String, contentType: String, bytes: [UInt8]) {
        self.name = name
        self.contentType = contentType
        self.bytes = bytes
        let digest = SHA256Digest.hex(bytes).prefix(20)
        entityTag = "\"\(digest)\""
    }
}
