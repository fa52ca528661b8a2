/// The configured content servers as the client checks URLs against them, before any connection is made.
struct ServerAllowlist: Sendable {
    struct Entry: Sendable {
        var server: TrustedContentServer
        var base: ContentURL
    }

    let entries: [Entry]
    /// Configured URLs that could not be understood; they trust nothing (and are reported when used).
    let unusable: [String]

    init(_ servers: [TrustedContentServer]) {
        var entries: [Entry] = []
        var unusable: [String] = []
        for server in servers {
            if let base = try? ContentURL(server.url) {
                entries.append(Entry(server: server, base: base))
            } else {
                unusable.append(server.url)
            }
        }
        self.entries = entries
        self.unusable = unusable
    }

    /// The configured server `url` belongs to (the longest matching path prefix), or why it may not be contacted.
    func check(_ url: String) throws(ContentError) -> Entry {
        let parsed: ContentURL
        do {
            parsed = try ContentURL(url)
        } catch {
            throw .serverNotTrusted(Self.shown(url, refusal: error))
        }
        let matches = entries.filter { parsed.isUnder($0.base) }
        guard let best = matches.max(by: { $0.base.pathSegments.count < $1.base.pathSegments.count }) else {
            throw .serverNotTrusted(url)
        }
        if parsed.isPlainHTTP && !best.server.allowPlainHTTP { throw .plainHTTPNotAllowed(url) }
        return best
    }

    /// A refused URL as it may be shown: one with credentials is cut to its scheme, never repeated whole.
    static func shown(_ url: String, refusal: ContentURL.Refusal) -> String {
        switch refusal {
        case .credentials:
            let scheme = url.firstRange(of: "://").map { String(url[..<$0.lowerBound]) } ?? "?"
            return "a \(scheme) URL with credentials in it"
        case .notAbsolute, .unsupportedScheme, .badHost, .badPort, .dotSegment:
            return url
        }
    }
}
