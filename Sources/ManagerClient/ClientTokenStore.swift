import Foundation
import Glibc
import ThreeDPProtocol

/// What pairing gave this client for one agent.
public struct ClientCredential: Sendable, Equatable {
    public var accessToken: String
    /// The agent's id for this client (`pairing.complete`'s `clientId`), kept so `pair --revoke` on the agent can
    /// be told which one to drop.
    public var clientId: String?
    /// The agent's TLS certificate, pinned at pairing (nil for an `http` agent).
    public var certificate: PinnedCertificate?

    public init(accessToken: String, clientId: String? = nil, certificate: PinnedCertificate? = nil) {
        self.accessToken = accessToken
        self.clientId = clientId
        self.certificate = certificate
    }

    /// The credential in a `pairing.complete` result (`{accessToken, clientId}`); nil when it has no token.
    public init?(pairingResult result: JSONValue) {
        guard let token = result["accessToken"]?.stringValue, !token.isEmpty else { return nil }
        self.init(accessToken: token, clientId: result["clientId"]?.stringValue)
    }
}

/// The client's access tokens, one per agent URL, in a JSON file only its owner can read:
/// `{"agents":{"http://10.0.0.5:8631":{"accessToken":"…","clientId":"…"}},"version":1}`; an `https` agent's entry
/// also holds its pinned certificate (`"certificate"`, base64 DER) and that certificate's fingerprint
/// (`"certificateFingerprint"`, for people reading the file; it must match).
///
/// Every change rewrites the whole file atomically (a temporary file with mode 0600, fsync, rename), so an
/// interrupted `pair` leaves the old file or the new one, never half of one, and the token is never readable by
/// others, not even for a moment.
public struct ClientTokenStore: Sendable {
    public let path: String

    public init(path: String) {
        self.path = path
    }

    /// `$XDG_CONFIG_HOME/3dp-agent/client.json`, else `~/.config/3dp-agent/client.json`; nil with neither
    /// variable set (an XDG path that is not absolute is ignored, as the XDG spec says).
    public static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        if let config = environment["XDG_CONFIG_HOME"], config.hasPrefix("/") {
            return config + "/3dp-agent/client.json"
        }
        if let home = environment["HOME"], !home.isEmpty {
            return home + "/.config/3dp-agent/client.json"
        }
        return nil
    }

    public func load(for url: AgentURL) throws(ClientTokenStoreError) -> ClientCredential? {
        try readAll()[url.description]
    }

    public func save(_ credential: ClientCredential, for url: AgentURL) throws(ClientTokenStoreError) {
        var all = try readAll()
        all[url.description] = credential
        try writeAll(all)
    }

    /// Forgets the token for `url`; false when there was none.
    @discardableResult
    public func remove(for url: AgentURL) throws(ClientTokenStoreError) -> Bool {
        var all = try readAll()
        guard all.removeValue(forKey: url.description) != nil else { return false }
        try writeAll(all)
        return true
    }

    /// Every stored credential by normalized agent URL.
    public func readAll() throws(ClientTokenStoreError) -> [String: ClientCredential] {
        guard let bytes = try TokenFile.read(path) else { return [:] }
        return try Self.decode(bytes, path: path)
    }

    private func writeAll(_ credentials: [String: ClientCredential]) throws(ClientTokenStoreError) {
        try TokenFile.replace(path, with: Self.encode(credentials))
    }

    static let formatVersion: Int64 = 1

    static func encode(_ credentials: [String: ClientCredential]) -> [UInt8] {
        var agents: [String: JSONValue] = [:]
        for (url, credential) in credentials {
            var entry: [String: JSONValue] = ["accessToken": .string(credential.accessToken)]
            if let clientId = credential.clientId { entry["clientId"] = .string(clientId) }
            if let certificate = credential.certificate {
                entry["certificate"] = .string(Data(certificate.der).base64EncodedString())
                entry["certificateFingerprint"] = .string(certificate.fingerprint.description)
            }
            agents[url] = .object(entry)
        }
        var writer = JSONWriter()
        // Only strings and an integer: nothing the writer can refuse.
        try? writer.write(.object(["version": .integer(formatVersion), "agents": .object(agents)]))
        writer.writeRaw("\n")
        return writer.bytes
    }

    static func decode(_ bytes: [UInt8], path: String) throws(ClientTokenStoreError) -> [String: ClientCredential] {
        func fail(_ reason: String) -> ClientTokenStoreError { .unreadable(path: path, reason: reason) }
        let document: JSONValue
        do {
            document = try JSONValue.parse(bytes)
        } catch {
            throw fail("not JSON: \(error.description)")
        }
        guard document["version"]?.int64Value == formatVersion else { throw fail("not version \(formatVersion)") }
        guard let agents = document["agents"]?.objectValue else { throw fail(#"no "agents" object"#) }
        var credentials: [String: ClientCredential] = [:]
        for (url, entry) in agents {
            guard let token = entry["accessToken"]?.stringValue else { throw fail("no access token for \(url)") }
            var certificate: PinnedCertificate?
            if let text = entry["certificate"]?.stringValue {
                guard let der = Data(base64Encoded: text), !der.isEmpty else { throw fail("the certificate for \(url) is not base64") }
                certificate = PinnedCertificate(der: Array(der))
                guard entry["certificateFingerprint"]?.stringValue.flatMap(CertificateFingerprint.init(text:))
                    == certificate?.fingerprint
                else { throw fail("the certificate for \(url) does not match its fingerprint") }
            }
            credentials[url] = ClientCredential(accessToken: token, clientId: entry["clientId"]?.stringValue,
                                                certificate: certificate)
        }
        return credentials
    }
}

/// Why the token file cannot be used.
public enum ClientTokenStoreError: Error, Sendable, Equatable, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    case system(operation: String, path: String, errno: Int32)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason):
            "the token file \(path) is damaged (\(reason)); move it away and pair again"
        case .system(let operation, let path, let code):
            "cannot \(operation) \(path): \(String(cString: strerror(code)))"
        }
    }
}
