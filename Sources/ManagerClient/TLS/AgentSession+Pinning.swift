import NIOCore
import NIOSSL

extension AgentSession {
    /// The client side of TLS for `https` agents: the pinned certificate as the only trust root. An `https`
    /// session without a pin trusts nothing (an empty root set), so it cannot silently fall back to the system's CAs.
    static func tlsConfiguration(_ certificate: PinnedCertificate?) -> TLSConfiguration? {
        guard let certificate else {
            var refuseAll = TLSConfiguration.makeClientConfiguration()
            refuseAll.trustRoots = .certificates([])
            return refuseAll
        }
        // A DER certificate NIOSSL cannot read was pinned from a handshake NIOSSL itself read: it does not happen,
        // and if it did, no connection is the safe outcome.
        return (try? certificate.clientConfiguration()) ?? tlsConfiguration(nil)
    }

    /// The TLS server name the WebSocket client sends. NIOSSL refuses an IP address there (SNI takes names only),
    /// and the WebSocket client would send the URL's host, so an agent reached by address gets a fixed name; the
    /// agent ignores it, and the pinned check looks at no name.
    static func serverName(for url: AgentURL) -> String? {
        guard url.scheme == "https" else { return nil }
        let host = url.host
        let isAddress = host.hasPrefix("[") || host.allSatisfy { $0.isNumber || $0 == "." }
        return isAddress ? "3dp-agent" : nil
    }

    /// The certificate an `https` agent presents at first contact.
    static func firstContact(_ url: AgentURL) async throws -> PinnedCertificate {
        do {
            return try await CertificateProbe.presentedCertificate(host: url.host, port: url.port)
        } catch {
            if error is CancellationError { throw error }
            if isConnectFailure(error) { throw AgentConnectionError.noAgent(url) }
            throw AgentConnectionError.tlsFailed(url, reason: "\(error)")
        }
    }

    /// A failed connection to a pinned `https` agent, told for what it is: when the agent now presents another
    /// certificate, `certificateChanged`; other TLS failures as `tlsFailed`. Nil for everything else (not
    /// https, no connection at all, a timeout), which keeps its usual meaning.
    func explained(_ error: any Error) async -> (any Error)? {
        guard url.scheme == "https", let certificate, !(error is CancellationError), !Self.isConnectFailure(error) else {
            return nil
        }
        guard Self.isTLSFailure(error) else { return nil }
        guard let presented = try? await CertificateProbe.presentedCertificate(host: url.host, port: url.port) else {
            return AgentConnectionError.tlsFailed(url, reason: "\(error)")
        }
        if presented.fingerprint != certificate.fingerprint {
            return AgentConnectionError.certificateChanged(url, pinned: certificate.fingerprint, presented: presented.fingerprint)
        }
        return AgentConnectionError.tlsFailed(url, reason: "\(error)")
    }

    /// NIOSSL's errors, as AsyncHTTPClient and the WebSocket client pass them on (wrapped or described).
    static func isTLSFailure(_ error: any Error) -> Bool {
        if error is NIOSSLError || error is BoringSSLError { return true }
        let text = String(describing: error)
        return text.contains("CERTIFICATE_VERIFY_FAILED") || text.contains("handshakeFailed") || text.contains("NIOSSL")
    }
}
