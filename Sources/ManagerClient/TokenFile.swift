import Foundation
import Glibc
import OwnerOnlyFiles

/// The file system side of `ClientTokenStore`: whole-file reads and crash-safe, owner-only replacement.
enum TokenFile {
    /// The file's bytes, nil when it does not exist.
    static func read(_ path: String) throws(ClientTokenStoreError) -> [UInt8]? {
        do {
            return try OwnerOnlyFile.read(path)
        } catch {
            throw .system(error)
        }
    }

    /// Replaces the file with `bytes` (`OwnerOnlyFile.replace`), in a directory made owner-only (0700) if missing.
    static func replace(_ path: String, with bytes: [UInt8]) throws(ClientTokenStoreError) {
        try prepareDirectory((path as NSString).deletingLastPathComponent)
        do {
            try OwnerOnlyFile.replace(path, with: bytes)
        } catch {
            throw .system(error)
        }
    }

    /// Creates the directory and missing parents owner-only (0700). An existing directory is left as it is: a
    /// path chosen by the user may point into a directory that is not only ours.
    private static func prepareDirectory(_ directory: String) throws(ClientTokenStoreError) {
        var status = stat()
        if stat(directory, &status) == 0 { return }
        do {
            try FileManager.default.createDirectory(
                atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw .system(operation: "create directory", path: directory, errno: errno == 0 ? EIO : errno)
        }
    }
}

extension ClientTokenStoreError {
    static func system(_ failure: FileSystemFailure) -> Self {
        .system(operation: failure.operation, path: failure.path, errno: failure.errno)
    }
}
