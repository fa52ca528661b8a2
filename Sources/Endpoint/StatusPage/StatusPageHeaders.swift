import Foundation

/// The response headers of the status page. The page loads nothing but its own files and talks to nothing but the
/// agent that served it, so its Content-Security-Policy allows exactly that; the WebSocket's `ws:`/`wss:` origin on
/// the same host is named outright, since older browsers do not count it as `'self'`.
enum StatusPageHeaders {
    /// The policy for a page requested with `Host: host`. A host that is not a plain name, address and port is left
    /// out (the policy must not be written by the request): the page then connects by `'self'` alone.
    static func contentSecurityPolicy(host: String?) -> String {
        var connect = "'self'"
        if let host, isPlainHost(host) { connect += " ws://\(host) wss://\(host)" }
        return [
            "default-src 'none'",
            "script-src 'self'",
            "style-src 'self'",
            // The job's thumbnail comes in the job's JSON as base64 and is shown as a data: URL.
            "img-src 'self' data:",
            "connect-src \(connect)",
            "base-uri 'none'",
            "form-action 'none'",
            "frame-ancestors 'none'",
        ].joined(separator: "; ")
    }

    /// Letters, digits, `.`, `-`, one `:port`, or an IPv6 literal in brackets: what a `Host` header holds when it
    /// names a host, and nothing that could end a CSP directive.
    static func isPlainHost(_ host: String) -> Bool {
        guard !host.isEmpty, host.utf8.count <= 255 else { return false }
        return host.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || ".-:[]".unicodeScalars.contains(scalar))
        }
    }

    /// What every file of the page is sent with.
    static func common(contentType: String, entityTag: String) -> [(name: String, value: String)] {
        [
            ("Content-Type", contentType),
            ("X-Content-Type-Options", "nosniff"),
            // Revalidated on every load (a 304 is a few bytes), so that a new agent's page is never mixed with an old one.
            ("Cache-Control", "no-cache"),
            ("ETag", entityTag),
            ("Referrer-Policy", "no-referrer"),
            ("X-Frame-Options", "DENY"),
        ]
    }

    /// Whether `If-None-Match` names the file's current tag (`*`, one tag, or a list; weak tags compare equal).
    static func matches(ifNoneMatch: String?, entityTag: String) -> Bool {
        guard let ifNoneMatch else { return false }
        return ifNoneMatch.split(separator: ",").contains { candidate in
            var tag = candidate.trimmingCharacters(in: .whitespaces)
            if tag == "*" { return true }
            if tag.hasPrefix("W/") { tag.removeFirst(2) }
            return tag == entityTag
        }
    }
}
