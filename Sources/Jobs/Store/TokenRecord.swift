import Foundation
import GRDB

/// One paired client (a Manager) as the agent remembers it: never the token, only its hash. A row of the
/// `pairedClient` table, in the same database as the print queue (`JobStore`), so that the daemon and
/// `3dp-agent pair` share it through SQLite's transactions.
public struct TokenRecord: Sendable, Equatable, Codable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "pairedClient"
    public static func databaseDateEncodingStrategy(for column: String) -> DatabaseDateEncodingStrategy { StoredDates.encoding }
    public static func databaseDateDecodingStrategy(for column: String) -> DatabaseDateDecodingStrategy { StoredDates.decoding }

    /// Short random hex, what `3dp-agent pair --revoke ID` takes.
    public let id: String
    /// The client name given at pairing, cleaned for display on a terminal.
    public let label: String
    /// SHA-256 of the token, lowercase hex.
    public let tokenSHA256: String
    public let createdAt: Date
    public var lastUsedAt: Date?

    public init(id: String, label: String, tokenSHA256: String, createdAt: Date, lastUsedAt: Date? = nil) {
        self.id = id
        self.label = label
        self.tokenSHA256 = tokenSHA256
        self.createdAt = createdAt
        self.lastUsedAt = lastUsedAt
    }

    /// The column names, and the keys of the `tokens.json` that older agents wrote.
    enum CodingKeys: String, CodingKey {
        case id, label, tokenSHA256 = "sha256", createdAt, lastUsedAt
    }

    /// Whole seconds: `tokens.json` stored ISO-8601 without fractions, and a record read back (from the database or
    /// an imported file) must equal the one written.
    public static func storedInstant(_ date: Date) -> Date {
        Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down))
    }
}
