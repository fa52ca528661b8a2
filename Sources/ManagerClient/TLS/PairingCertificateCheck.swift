import ThreeDPProtocol

extension ClientCredential {
    /// The credential `pairing.complete` granted, with the certificate the session's connection presented pinned:
    /// only when the agent names exactly that certificate. A proxy in the middle that answers with its own
    /// certificate cannot also make the agent name it, so the token is not kept then. Over `http` nothing is
    /// pinned. Nil when the result has no token.
    public static func pairing(_ result: JSONValue, session: AgentSession) throws(AgentConnectionError) -> ClientCredential? {
        guard var credential = ClientCredential(pairingResult: result) else { return nil }
        guard session.url.scheme == "https" else { return credential }
        let named = result["certificateFingerprint"]?.stringValue
        guard let presented = session.certificate else {
            throw .tlsFailed(session.url, reason: "the session has no certificate to pin")
        }
        guard named.flatMap(CertificateFingerprint.init(text:)) == presented.fingerprint else {
            throw .certificateNotNamed(session.url, presented: presented.fingerprint, named: named)
        }
        credential.certificate = presented
        return credential
    }
}
