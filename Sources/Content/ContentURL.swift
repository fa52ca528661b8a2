import Foundation

/// An absolute `http`/`https` URL taken apart the way the allowlist compares it: scheme and host lowercased, the
/// default port made explicit, the path split into segments. URLs with credentials (`user@host`) or dot segments
/// (`/a/../b`, also percent-encoded) are refused, so that a path prefix cannot be escaped and no secret is ever
/// carried in a URL that might be logged.
public struct ContentURL: Sendable, Equatable {
    public var scheme: String
    public var host: String
    public var port: Int
    /// The path's segments, as written (still percent-encoded); an empty path has none.
    public var pathSegments: [String]
    /// The path, query included, exactly as written (`/` when empty): what goes on the request line.
    public var target: String

    public struct Origin: Sendable, Hashable, CustomStringConvertible {
        public var scheme: String
        public var host: String
        public var port: Int
        public var description: String {
            let shownHost = host.contains(":") ? "[\(host)]" : host
            return "\(scheme)://\(shownHost):\(port)"
        }
    }

    public enum Refusal: Error, Equatable {
        case notAbsolute, unsupportedScheme(String), credentials, badHost, badPort, dotSegment
    }

    public var origin: Origin { Origin(scheme: scheme, host: host, port: port) }
    public var isPlainHTTP: Bool { scheme == "http" }

    public init(_ text: String) throws(Refusal) {
        guard let schemeEnd = text.firstRange(of: "://") else { throw .notAbsolute }
        let scheme = text[..<schemeEnd.lowerBound].lowercased()
        let defaultPort: Int
        switch scheme {
        case "https": defaultPort = 443
        case "http": defaultPort = 80
        default: throw .unsupportedScheme(scheme)
        }
        let rest = text[schemeEnd.upperBound...]
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        guard !authority.contains("@") else { throw .credentials }
        var hostPart: Substring
        var portPart: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { throw .badHost }
            hostPart = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw .badHost }
                portPart = after.dropFirst()
            }
        } else if let colon = authority.lastIndex(of: ":") {
            hostPart = authority[..<colon]
            portPart = authority[authority.index(after: colon)...]
        } else {
            hostPart = authority
        }
        guard !hostPart.isEmpty,
              hostPart.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" || $0 == ":" || $0 == "_" })
        else { throw .badHost }
        var port = defaultPort
        if let portPart, !portPart.isEmpty {
            guard portPart.allSatisfy(\.isASCII), let number = Int(portPart), (1...65535).contains(number) else {
                throw .badPort
            }
            port = number
        }
        let afterAuthority = rest[authorityEnd...]
        let fragmentFree = afterAuthority.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        let pathEnd = fragmentFree.firstIndex(of: "?") ?? fragmentFree.endIndex
        let path = fragmentFree[..<pathEnd]
        let segments = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        for segment in segments where Self.isDotSegment(segment) { throw .dotSegment }

        self.scheme = scheme
        self.host = hostPart.lowercased()
        self.port = port
        self.pathSegments = segments
        self.target = fragmentFree.isEmpty ? "/" : (fragmentFree.hasPrefix("/") ? String(fragmentFree) : "/" + fragmentFree)
    }

    /// Whether this URL lies at or under `prefix` (same origin, whole path segments).
    public func isUnder(_ prefix: ContentURL) -> Bool {
        origin == prefix.origin && pathSegments.starts(with: prefix.pathSegments)
    }

    /// Scheme, host and port as a request would name them (a default port left out).
    public var authorityText: String {
        let shownHost = host.contains(":") ? "[\(host)]" : host
        let defaultPort = scheme == "https" ? 443 : 80
        return port == defaultPort ? "\(scheme)://\(shownHost)" : "\(scheme)://\(shownHost):\(port)"
    }

    /// The whole URL, normalised.
    public var text: String { authorityText + target }

    /// A path under this URL (a server's base URL plus `3dp/v1/selection`), as text.
    public func appending(path: String) -> String {
        let base = pathSegments.isEmpty ? "" : "/" + pathSegments.joined(separator: "/")
        return "\(authorityText)\(base)/\(path)"
    }

    /// A `Location` header resolved against this URL: absolute, or an absolute path on the same origin.
    public func resolving(location: String) throws(Refusal) -> ContentURL {
        if location.hasPrefix("/") && !location.hasPrefix("//") {
            return try ContentURL(authorityText + location)
        }
        return try ContentURL(location)
    }

    private static func isDotSegment(_ segment: String) -> Bool {
        let decoded = segment.replacingOccurrences(of: "%2e", with: ".").replacingOccurrences(of: "%2E", with: ".")
        return decoded == "." || decoded == ".."
    }
}
