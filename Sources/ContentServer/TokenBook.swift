import Foundation

/// A token the server handed out: who may fetch which content until when.
public struct IssuedToken: Sendable, Equatable {
    public var token: String
    public var contentId: String
    public var expiresAt: Date

    /// ISO 8601 in UTC, as the selection and the token route say it.
    public var expiresAtText: String { expiresAt.formatted(.iso8601) }
}

/// The tokens issued so far; pure bookkeeping, the clock is passed in.
struct TokenBook {
    enum Check: Equatable {
        case valid(IssuedToken)
        /// Unknown or expired: the two look the same from outside.
        case invalid
    }

    private var tokens: [String: IssuedToken] = [:]

    mutating func issue(contentId: String, lifetime: Duration, now: Date) -> IssuedToken {
        forgetExpired(now: now)
        let seconds = Double(lifetime.components.seconds) + Double(lifetime.components.attoseconds) / 1e18
        let issued = IssuedToken(token: RandomToken.make(), contentId: contentId,
                                 expiresAt: now.addingTimeInterval(seconds))
        tokens[issued.token] = issued
        return issued
    }

    func check(_ token: String, now: Date) -> Check {
        guard let issued = tokens[token], issued.expiresAt > now else { return .invalid }
        return .valid(issued)
    }

    mutating func expireAll() { tokens.removeAll() }

    private mutating func forgetExpired(now: Date) {
        tokens = tokens.filter { $0.value.expiresAt > now }
    }
}
