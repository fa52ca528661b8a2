import Crypto
import NIOSSL
import ThreeDPProtocol

/// The agent certificate a client trusts, and nothing else: the one it saw at pairing, whose fingerprint
/// `pairing.complete` named. Kept whole (DER), not just its fingerprint, because it is what the TLS connection
/// is checked against.
public struct PinnedCertificate: Sendable, Hashable {
    public let der: [UInt8]
    public let fingerprint: CertificateFingerprint

    public init(der: [UInt8]) {
        self.der = der
        fingerprint = Self.fingerprint(ofDER: der)
    }

    public static func fingerprint(ofDER der: [UInt8]) -> CertificateFingerprint {
        // SHA-256 always has 32 bytes.
        CertificateFingerprint(sha256: Array(SHA256.hash(data: der)))!
    }

    /// The client side of TLS to an agent: this certificate is the only trust root, and host names are not
    /// checked. An agent's certificate is self-signed and names the board as it was called when it was made; what
    /// identifies the agent is the key, and only the holder of that key completes a handshake with this
    /// certificate. It is no CA, so no other certificate chains up to it. Its validity ends in 9999.
    func clientConfiguration() throws -> TLSConfiguration {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.trustRoots = .certificates([try NIOSSLCertificate(bytes: der, format: .der)])
        configuration.certificateVerification = .noHostnameVerification
        configuration.minimumTLSVersion = .tlsv12
        return configuration
    }
}
