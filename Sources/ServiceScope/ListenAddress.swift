/// Where a server listens (the 3DP-1 endpoint, the reference content server): a host (an IPv4 or IPv6 address
/// or a name) and a TCP port.
public struct ListenAddress: Sendable, Equatable, CustomStringConvertible {
    /// The address without brackets: "0.0.0.0", "::1", "localhost".
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Loopback only: a fresh install is not reachable from the network until the configuration says so.
    public static let `default` = ListenAddress(host: "127.0.0.1", port: 8631)

    /// "host:port", with an IPv6 address in brackets: "[::1]:8631".
    public var description: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    /// Why a "host:port" text is not one.
    public struct Invalid: Error, Sendable, Equatable, CustomStringConvertible {
        public var description: String

        public init(description: String) {
            self.description = description
        }
    }

    /// Reads "host:port", "[ipv6]:port". `ports` is what the caller accepts: the agent's configuration refuses
    /// port 0, a command line for tests and the demo may ask for it (any free port).
    public static func parse(_ text: String, ports: ClosedRange<Int> = 1...65535) throws(Invalid) -> ListenAddress {
        let host: Substring
        let portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else {
                throw Invalid(description: "expected ']' after the IPv6 address in '\(text)'")
            }
            host = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":") else {
                throw Invalid(description: "expected ':' and a port after ']' in '\(text)', e.g. [::1]:8631")
            }
            portText = rest.dropFirst()
            guard isIPv6(host) else {
                throw Invalid(description: "'\(host)' in brackets is not an IPv6 address")
            }
        } else {
            guard let colon = text.lastIndex(of: ":") else {
                throw Invalid(description: "expected host:port, e.g. 0.0.0.0:8631, not '\(text)'")
            }
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
            if host.contains(":") {
                throw Invalid(description: "an IPv6 address needs brackets: [\(host)]:\(portText)")
            }
            guard !host.isEmpty else {
                throw Invalid(description: "expected a host before ':' in '\(text)', e.g. 0.0.0.0:\(portText)")
            }
            guard host.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "-") }) else {
                throw Invalid(description: "'\(host)' is not a host name or IPv4 address")
            }
        }
        guard !portText.isEmpty, portText.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw Invalid(description: "expected a port number after ':' in '\(text)'")
        }
        guard let port = Int(portText), ports.contains(port) else {
            throw Invalid(description: "port \(portText) is out of range \(ports.lowerBound)…\(ports.upperBound)")
        }
        return ListenAddress(host: String(host), port: port)
    }

    /// Loosely: hex digits and colons (dots for an embedded IPv4), and a link-local address's interface
    /// after '%' ("fe80::1%eth0"). The socket's bind says the rest.
    private static func isIPv6(_ host: Substring) -> Bool {
        let address = host.prefix(while: { $0 != "%" })
        guard address.contains(":"), address.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }) else {
            return false
        }
        guard address.count < host.count else { return true }
        let zone = host.dropFirst(address.count + 1)
        return !zone.isEmpty
            && zone.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" || $0 == ".") }
    }
}
