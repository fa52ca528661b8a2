import Logging
import OwnerOnlyFiles

/// The agent's TLS identity on disk, in its state directory: `tls-key.pem` and `tls-certificate.pem`, both 0600.
///
/// Made at the first start and reused after. The key is written first and the certificate last, each replaced
/// whole (`OwnerOnlyFile`): no certificate on disk means none was ever served (so none pinned), and a new
/// identity may be made whatever key lies there; a certificate on disk must be read back exactly, with its key,
/// or the agent does not start (see `DeviceCertificateError`).
public struct DeviceCertificateFiles: Sendable {
    public static let keyFileName = "tls-key.pem"
    public static let certificateFileName = "tls-certificate.pem"

    public let keyPath: String
    public let certificatePath: String

    public init(stateDirectory: String) {
        keyPath = stateDirectory + "/" + Self.keyFileName
        certificatePath = stateDirectory + "/" + Self.certificateFileName
    }

    /// The identity on disk, nil when there is no certificate yet. Does not create anything (`pair --list` reads
    /// the fingerprint this way).
    public func load() throws(DeviceCertificateError) -> DeviceCertificate? {
        do throws(DeviceCertificateError) {
            guard let certificate = try Self.read(certificatePath) else { return nil }
            guard let key = try Self.read(keyPath) else { throw DeviceCertificateError.keyMissing(path: keyPath) }
            return try DeviceCertificate.parse(certificatePEM: certificate, privateKeyPEM: key)
        } catch {
            throw .atPaths(error, certificate: certificatePath, key: keyPath)
        }
    }

    /// The identity on disk, or a new one made and written now (logged once, with its fingerprint).
    public func loadOrCreate(hostname: String, logger: Logger) throws -> DeviceCertificate {
        if let existing = try load() { return existing }
        let made = try DeviceCertificate.generate(hostname: hostname)
        try Self.replace(keyPath, with: made.privateKeyPEM)
        try Self.replace(certificatePath, with: made.certificatePEM)
        logger.notice("made the agent's TLS certificate \(certificatePath), SHA-256 fingerprint \(made.fingerprint)")
        return made
    }

    /// The file's text, nil when it does not exist.
    static func read(_ path: String) throws(DeviceCertificateError) -> String? {
        // PEM of a P-256 key or its certificate is under 2 KiB: anything far larger is not ours.
        let limit = 64 << 10
        let bytes: [UInt8]?
        do {
            bytes = try OwnerOnlyFile.read(path, limit: limit)
        } catch {
            throw .system(error)
        }
        guard let bytes else { return nil }
        guard bytes.count <= limit else { throw .damaged(what: "file \(path)", reason: "it is larger than 64 KiB") }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func replace(_ path: String, with text: String) throws(DeviceCertificateError) {
        do {
            try OwnerOnlyFile.replace(path, with: Array(text.utf8))
        } catch {
            throw .system(error)
        }
    }
}
