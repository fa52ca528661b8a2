import ContentContract
extension ContentSelection {
    /// The selection with its digest in lowercase, or why it cannot be downloaded.
    func checked() throws(ContentError) -> ContentSelection {
        guard size >= 0 else { throw .badSelection("a negative size (\(size))") }
        let digest = sha256.lowercased()
        guard digest.utf8.count == 64, digest.utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) })
        else { throw .badSelection("the SHA-256 \"\(sha256)\" is not 64 hexadecimal digits") }
        guard !uri.isEmpty else { throw .badSelection("no content URI") }
        var copy = self
        copy.sha256 = digest
        return copy
    }
}
