import ContentContract
import Foundation

/// One file served as a content.
public struct CatalogEntry: Sendable, Equatable {
    /// The path relative to the root, `/`-separated: `parts/bracket.stl`.
    public var contentId: String
    /// The file name, what a printer's display shows.
    public var name: String
    /// Absolute, symlinks resolved: what is opened.
    public var path: String
    public var size: Int64
    public var modified: Date
    public var mediaType: String
}

/// The regular files under a root directory, recursively: no dotfiles (nor anything under a dot directory), and
/// nothing a symlink leads out of the root to. Read afresh on every question, so a file dropped in is served at once.
public struct ContentCatalog: Sendable {
    /// Absolute, symlinks resolved.
    public let root: String

    public init(root: String) throws(ContentServerError) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root, isDirectory: &isDirectory), isDirectory.boolValue,
              let resolved = Self.realPath(root) else { throw .rootMissing(root) }
        self.root = resolved
    }

    /// Every content, ordered by id.
    public func entries() -> [CatalogEntry] {
        guard let walker = FileManager.default.enumerator(atPath: root) else { return [] }
        var found: [CatalogEntry] = []
        while let relative = walker.nextObject() as? String {
            if relative.split(separator: "/").last?.hasPrefix(".") == true {
                walker.skipDescendants()
                continue
            }
            if let entry = entry(for: relative) { found.append(entry) }
        }
        return found.sorted { $0.contentId < $1.contentId }
    }

    /// The content with this id, if it is one this catalog serves.
    public func entry(for contentId: String) -> CatalogEntry? {
        let components = contentId.split(separator: "/", omittingEmptySubsequences: false)
        guard !components.isEmpty,
              components.allSatisfy({ !$0.isEmpty && !$0.hasPrefix(".") && !$0.contains("\0") }) else { return nil }
        guard let resolved = Self.realPath(root + "/" + contentId), resolved.hasPrefix(root + "/") else { return nil }
        var status = stat()
        guard stat(resolved, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else { return nil }
        let name = String(components[components.count - 1])
        let modified = Date(timeIntervalSince1970: Double(status.st_mtim.tv_sec) + Double(status.st_mtim.tv_nsec) / 1e9)
        return CatalogEntry(contentId: contentId, name: name, path: resolved, size: Int64(status.st_size),
                            modified: modified, mediaType: ContentMediaType.of(fileName: name))
    }

    private static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
