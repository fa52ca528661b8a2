import ThreeDPProtocol

/// Where an agent answers, reduced to what identifies it: scheme, host and port.
///
/// Users type agent addresses in many shapes (`printer.local`, `http://10.0.0.5:8631/`, a URL copied with the
/// `/3dp/v1` base path); the token store keys tokens by this normal form so that all of them find the same token.
public struct AgentURL: Sendable, Hashable, CustomStringConvertible {
    /// `http` or `https` (TLS is optional in 3DP-1).
    public let scheme: String
    /// Lowercased; an IPv6 address keeps its brackets.
    public let host: String
    public let port: Int

    public init(scheme: String = "http", host: String, port: Int = ThreeDPTransport.defaultPort) {
        self.scheme = scheme
        self.host = host
        self.port = port
    }

    /// `scheme://host:port`, no trailing slash.
    public var description: String { "\(scheme)://\(host):\(port)" }

    /// Where `POST` requests go.
    public var rpcURL: String { description + ThreeDPTransport.basePath + "/rpc" }

    /// Where the WebSocket is opened: `ws` for `http`, `wss` for `https`.
    public var webSocketURL: String {
        (scheme == "https" ? "wss" : "ws") + "://\(host):\(port)" + ThreeDPTransport.basePath + "/ws"
    }
}

/// An agent address that cannot be read.
public struct AgentURLError: Error, Sendable, Equatable, CustomStringConvertible {
    public var text: String
    public var reason: String

    public var description: String {
        "\"\(text)\" is not an agent address (\(reason)); write it like http://127.0.0.1:\(ThreeDPTransport.defaultPort)"
    }
}

extension AgentURL {
    /// Reads an address as a user types it. Without a scheme it is `http`; without a port it is the 3DP-1 port
    /// 8631 rather than 80, because an agent listens there unless configured otherwise. A path may only be the
    /// 3DP-1 base path (or one of its endpoints), which is dropped.
    public init(parsing text: String) throws(AgentURLError) {
        func fail(_ reason: String) -> AgentURLError { AgentURLError(text: text, reason: reason) }

        var rest = Substring(text.trimmingWhitespace())
        var scheme = "http"
        if let separator = rest.range(of: "://") {
            scheme = rest[..<separator.lowerBound].lowercased()
            rest = rest[separator.upperBound...]
        }
        guard scheme == "http" || scheme == "https" else { throw fail("the scheme must be http or https") }

        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        let path = rest[authorityEnd...]
        guard !authority.contains("@") else { throw fail("user names and passwords do not belong in it") }

        let host: Substring
        var portText: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { throw fail("an IPv6 address needs its closing ]") }
            host = authority[...close]
            let after = authority[authority.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw fail("unexpected text after the IPv6 address") }
                portText = after.dropFirst()
            }
        } else if let colon = authority.lastIndex(of: ":") {
            host = authority[..<colon]
            portText = authority[authority.index(after: colon)...]
        } else {
            host = authority
        }
        guard !host.isEmpty, host != "[]" else { throw fail("no host") }
        guard host.allSatisfy({ !$0.isWhitespace }) else { throw fail("spaces in the host") }

        var port = ThreeDPTransport.defaultPort
        if let portText {
            guard let number = Int(portText), (1...65_535).contains(number), portText.allSatisfy(\.isASCII) else {
                throw fail("the port must be a number from 1 to 65535")
            }
            port = number
        }

        guard Self.isBasePath(path) else { throw fail("the path must be empty or \(ThreeDPTransport.basePath)") }
        self.init(scheme: scheme, host: host.lowercased(), port: port)
    }

    private static func isBasePath(_ path: Substring) -> Bool {
        let trimmed = path.hasSuffix("/") ? path.dropLast() : path
        let base = ThreeDPTransport.basePath
        return trimmed.isEmpty || trimmed == base || trimmed == base + "/rpc" || trimmed == base + "/ws"
    }
}

extension String {
    fileprivate func trimmingWhitespace() -> Substring {
        let start = firstIndex(where: { !$0.isWhitespace }) ?? endIndex
        let end = lastIndex(where: { !$0.isWhitespace }).map { index(after: $0) } ?? start
        return self[start..<end]
    }
}
