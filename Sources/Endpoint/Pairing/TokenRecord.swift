import Foundation

/// One paired client as the agent remembers it: never the token, only its hash.
public struct TokenRecord: Sendable, Equatable, Codable {
    /// Short random hex, what `3dp-agent pair --revoke ID` takes.
    public let id: String
    /// The client name given at pairing, cleaned for display on a terminal.
    public let label: String
    /// SHA-256 of the token, lowercase hex.
    public let tokenSHA256: String
    public let createdAt: Date
    public internal(set) var lastUsedAt: Date?

    public init(id: String, label: String, tokenSHA256: String, createdAt: Date, lastUsedAt: Date? = nil) {
        self.id = id
        self.label = label
        self.tokenSHA256 = tokenSHA256
        self.createdAt = createdAt
        self.lastUsedAt = lastUsedAt
    }

    enum CodingKeys: String, CodingKey {
        case id, label, tokenSHA256 = "sha256", createdAt, lastUsedAt
    }

    static let maximumLabelLength = 64

    /// Labels come from the network and end up on the owner's terminal: control characters (escape sequences)
    /// become spaces, runs of space collapse, and the length is capped.
    static func cleanLabel(_ raw: String) -> String {
        let visible = raw.unicodeScalars.map { scalar -> Character in
            scalar.properties.generalCategory == .control || scalar.properties.generalCategory == .format
                ? " " : Character(scalar)
        }
        let words = String(visible).split(whereSeparator: \.isWhitespace)
        let cleaned = String(words.joined(separator: " ").prefix(maximumLabelLength))
        return cleaned.isEmpty ? "unnamed client" : cleaned
    }

    /// Whole seconds, because the file stores ISO-8601 without fractions and a reload must give back equal records.
    static func storedInstant(_ date: Date) -> Date {
        Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down))
    }
}
