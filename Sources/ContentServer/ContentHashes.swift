import Digest
import Foundation

/// SHA-256 of the served files, computed when first asked for, streamed from disk off the cooperative pool, and kept
/// while the file's size and modification time stay the same.
actor ContentHashes {
    private struct Key: Hashable {
        var path: String
        var size: Int64
        var modified: Date
    }

    private var known: [Key: Task<String, any Error>] = [:]

    func sha256(of entry: CatalogEntry) async throws -> String {
        let key = Key(path: entry.path, size: entry.size, modified: entry.modified)
        if let task = known[key] { return try await task.value }
        known = known.filter { $0.key.path != entry.path }
        let path = entry.path
        let task = Task { try await Self.digest(path: path) }
        known[key] = task
        do {
            return try await task.value
        } catch {
            known[key] = nil
            throw error
        }
    }

    /// On a thread of its own: hashing a 1 GiB file takes seconds of blocking reads.
    private static func digest(path: String) async throws -> String {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Result { try digestBlocking(path: path) })
            }
        }
    }

    static func digestBlocking(path: String) throws -> String {
        guard let file = FileHandle(forReadingAtPath: path) else { throw CocoaError(.fileReadNoSuchFile) }
        defer { try? file.close() }
        var stream = SHA256Stream()
        while let chunk = try file.read(upToCount: 1 << 20), !chunk.isEmpty {
            chunk.withUnsafeBytes { stream.update($0) }
        }
        return stream.finalize()
    }
}
