import NIOSSL
import ThreeDPProtocol

/// What a Manager or a DNS-SD advertisement needs to know of how the endpoint is reached: whether it speaks TLS,
/// and the fingerprint of the certificate it presents then.
public struct EndpointIdentity: Sendable, Equatable {
    /// Nil when the endpoint serves plain HTTP and WebSocket.
    public let fingerprint: CertificateFingerprint?

    public init(fingerprint: CertificateFingerprint?) {
        self.fingerprint = fingerprint
    }

    public var tls: Bool { fingerprint != nil }
    /// `https` or `http`: the scheme of the endpoint's URLs (`wss`/`ws` for the WebSocket).
    public var scheme: String { tls ? "https" : "http" }

    public static let plain = EndpointIdentity(fingerprint: nil)
}

/// The endpoint's TLS server side: the device certificate in a NIOSSL context that every accepted connection's
/// handler is made from.
public struct EndpointTLS: Sendable {
    public let certificate: DeviceCertificate
    let context: NIOSSLContext

    public init(certificate: DeviceCertificate) throws {
        self.certificate = certificate
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: [.certificate(try NIOSSLCertificate(bytes: certificate.certificateDER, format: .der))],
            privateKey: .privateKey(try NIOSSLPrivateKey(bytes: Array(certificate.privateKeyPEM.utf8), format: .pem)))
        configuration.minimumTLSVersion = .tlsv12
        // HTTP/1.1 only (WebSocket upgrades need it); a browser offering h2 falls back to it.
        configuration.applicationProtocols = ["http/1.1"]
        // Closing a connection waits this long for the client's close_notify (NIOSSL's default is 5 s): an idle
        // kept-alive Manager connection must not hold the agent's graceful shutdown for that long.
        configuration.shutdownTimeout = .seconds(1)
        context = try NIOSSLContext(configuration: configuration)
    }

    public var identity: EndpointIdentity { EndpointIdentity(fingerprint: certificate.fingerprint) }
}
