import Foundation

/// Which web pages may call the endpoint from a browser. Anything can POST `text/plain` or open a WebSocket from
/// a page on any site, so a request that carries `Origin` (browsers always send it for these) must come from the
/// agent's own page or from an origin the owner configured. A request without `Origin` does not come from a web
/// page and is allowed.
///
/// An `Origin` with the scheme `ws` or `wss` is no web page's (a browser sends its page's `http`/`https` origin):
/// WebSocket client libraries write one of their own (`ws://host`), and are allowed like any client without one.
///
/// "The agent's own page" is an origin on the request's `Host` (any port, since a page the board serves on another
/// port is the board's too, and WebSocket clients write `ws://host` without one), but only when that host is an
/// IP literal or one of the board's own names: a page on `evil.example` that rebinds its DNS name to the board's
/// address would otherwise be same-origin with it.
struct OriginPolicy: Sendable {
    let configured: Set<String>
    let localNames: Set<String>

    init(allowedOrigins: [String], localNames: [String]) {
        configured = Set(allowedOrigins.map(Self.normalized))
        self.localNames = Set(localNames.map { $0.lowercased() })
    }

    func permits(origin: String?, host: String?) -> Bool {
        guard let origin else { return true }
        let normalized = Self.normalized(origin)
        if configured.contains(normalized) || normalized.hasPrefix("ws://") || normalized.hasPrefix("wss://") { return true }
        guard let host = host?.lowercased(), !host.isEmpty,
              let schemeEnd = normalized.range(of: "://"),
              ["http", "https"].contains(normalized[..<schemeEnd.lowerBound]) else { return false }
        let name = Self.hostName(of: host)
        guard Self.hostName(of: String(normalized[schemeEnd.upperBound...])) == name else { return false }
        return localNames.contains(name) || Self.isIPLiteral(name)
    }

    static func normalized(_ origin: String) -> String {
        var text = origin.trimmingCharacters(in: .whitespaces).lowercased()
        while text.hasSuffix("/") { text.removeLast() }
        return text
    }

    /// `host[:port]` or `[v6]:port` → the name or address alone.
    static func hostName(of host: String) -> String {
        if host.hasPrefix("["), let end = host.firstIndex(of: "]") {
            return String(host[host.index(after: host.startIndex)..<end])
        }
        if let colon = host.lastIndex(of: ":") { return String(host[..<colon]) }
        return host
    }

    static func isIPLiteral(_ name: String) -> Bool {
        if name.contains(":") { return name.allSatisfy { $0.isHexDigit || $0 == ":" || $0 == "." } }
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts.allSatisfy { part in
            !part.isEmpty && part.count <= 3 && part.allSatisfy(\.isASCII) && part.allSatisfy(\.isNumber) && (Int(part) ?? 256) <= 255
        }
    }
}
