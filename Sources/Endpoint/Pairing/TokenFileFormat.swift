import Digest
import Foundation

/// The JSON of `tokens.json`: `{"format":1,"tokens":[{"id","label","sha256","createdAt","lastUsedAt"}]}`.
enum TokenFileFormat {
    static let currentFormat = 1

    private struct Contents: Codable {
        var format: Int
        var tokens: [TokenRecord]
    }

    private struct Envelope: Decodable {
        var format: Int
    }

    static func encode(_ records: [TokenRecord]) throws(AccessTokenStoreError) -> Data {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        do {
            return try encoder.encode(Contents(format: currentFormat, tokens: records))
        } catch {
            throw .corruptFile(path: "(in memory)", reason: "cannot encode: \(error)")
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
