import Digest
import Foundation
import Glibc
import Jobs
import Logging
import OwnerOnlyFiles

/// `tokens.json`, where agents before the one database kept their paired clients:
/// `{"format":1,"tokens":[{"id","label","sha256","createdAt","lastUsedAt"}]}`. At the first start of a newer agent
/// (or of `3dp-agent pair`) every record goes into the database in one transaction, and only then is the file
/// renamed `tokens.json.migrated`: nothing is lost, and the import is not repeated. An import cut off between the
/// two runs again and adds nothing twice. A file that cannot be understood stops the start and is left as it is:
/// taking it as empty would unpair every client without a word.
enum TokenFileImport {
    static let fileName = "tokens.json"
    static let migratedSuffix = ".migrated"
    /// The lock file the old store's writers shared; empty, and of no use once the file is imported.
    static let lockFileName = "tokens.lock"
    static let currentFormat = 1

    private struct Contents: Decodable {
        var format: Int
        var tokens: [TokenRecord]
    }

    private struct Envelope: Decodable {
        var format: Int
    }

    /// Imports `<directory>/tokens.json` into `database` when there is one; returns how many clients were added.
    @discardableResult
    static func run(directory: String, into database: JobStore, logger: Logger) throws(AccessTokenStoreError) -> Int {
        let path = directory + "/" + fileName
        guard let data = try read(path) else { return 0 }
        let records = try decode(data, path: path)
        let added: Int
        do {
            added = try database.importPairedClients(records)
        } catch {
            throw .database(error)
        }
        // Another process importing at the same moment may have renamed it first: that is the same outcome.
        guard rename(path, path + migratedSuffix) == 0 || errno == ENOENT else {
            throw .system(operation: "rename", path: path, errno: errno)
        }
        unlink(directory + "/" + lockFileName)
        // Best effort: the rename is durable once the directory entry is on disk; a failure here loses nothing, as
        // the import is already committed and repeating it adds nothing.
        try? OwnerOnlyFile.syncDirectory(directory)
        logger.notice("the paired clients of \(path) are now in the agent's database; the file was kept as \(path)\(migratedSuffix)",
                      metadata: ["clients": "\(records.count)", "added": "\(added)"])
        return added
    }

    /// Creates the state directory (owner-only) when it is missing.
    static func prepareDirectory(_ directory: String) throws(AccessTokenStoreError) {
        var status = stat()
        if stat(directory, &status) == 0 {
            guard status.st_mode & S_IFMT == S_IFDIR else {
                throw .system(operation: "use as state directory", path: directory, errno: ENOTDIR)
            }
            return
        }
        do {
            try FileManager.default.createDirectory(
                atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw .system(operation: "create state directory", path: directory, errno: errno == 0 ? EIO : errno)
        }
    }

    /// The file's bytes; nil when there is none.
    private static func read(_ path: String) throws(AccessTokenStoreError) -> Data? {
        do {
            return try OwnerOnlyFile.read(path).map { Data($0) }
        } catch {
            throw .system(operation: error.operation, path: error.path, errno: error.errno)
        }
    }

    static func decode(_ data: Data, path: String) throws(AccessTokenStoreError) -> [TokenRecord] {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        let records: [TokenRecord]
        do {
            let envelope = try decoder.decode(Envelope.self, from: data)
            guard envelope.format == currentFormat else {
                throw AccessTokenStoreError.unsupportedFormat(path: path, format: envelope.format)
            }
            records = try decoder.decode(Contents.self, from: data).tokens
        } catch let error as AccessTokenStoreError {
            throw error
        } catch {
            throw .corruptFile(path: path, reason: describe(error))
        }
        var ids = Set<String>()
        for record in records {
            guard !record.id.isEmpty, HexEncoding.isLowercaseHex(record.id, count: record.id.utf8.count) else {
                throw .corruptFile(path: path, reason: "token id \"\(record.id)\" is not lowercase hex")
            }
            guard ids.insert(record.id).inserted else {
                throw .corruptFile(path: path, reason: "token id \(record.id) appears twice")
            }
            guard HexEncoding.isLowercaseHex(record.tokenSHA256, count: SHA256Digest.byteCount * 2) else {
                throw .corruptFile(path: path, reason: "token \(record.id) has no SHA-256 hash")
            }
        }
        return records
    }

    private static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.dataCorrupted(let context):
            "invalid JSON at \(codingPath(context)): \(context.debugDescription)"
        case DecodingError.keyNotFound(let key, let context):
            "missing \"\(key.stringValue)\" at \(codingPath(context))"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            "wrong value at \(codingPath(context)): \(context.debugDescription)"
        default:
            "\(error)"
        }
    }

    private static func codingPath(_ context: DecodingError.Context) -> String {
        let path = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
        return path.isEmpty ? "top level" : path
    }
}
