import Foundation
import Glibc
import Logging

/// The agent's TLS identity on disk, in its state directory: `tls-key.pem` and `tls-certificate.pem`, both 0600.
///
/// Made at the first start and reused after. The key is written first and the certificate last, each through a
/// temporary file and a rename: no certificate on disk means none was ever served (so none pinned), and a new
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
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            if errno == ENOENT { return nil }
            throw .system(operation: "open", path: path, errno: errno)
        }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw .system(operation: "read", path: path, errno: errno)
            }
            if count == 0 { break }
            bytes.append(contentsOf: chunk[..<count])
            // PEM of a P-256 key or its certificate is under 2 KiB: anything far larger is not ours.
            guard bytes.count <= 64 << 10 else { throw .damaged(what: "file \(path)", reason: "it is larger than 64 KiB") }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Writes `text` to a temporary file created 0600, fsyncs it and renames it over `path`, then fsyncs the
    /// directory: the file is never readable by others, and a power cut leaves the old file or the new one.
    static func replace(_ path: String, with text: String) throws(DeviceCertificateError) {
        let directory = (path as NSString).deletingLastPathComponent
        let temporary = path + ".\(getpid()).tmp"
        var descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw .system(operation: "create", path: temporary, errno: errno) }
        do throws(DeviceCertificateError) {
            // A leftover temporary file keeps its old mode through O_TRUNC: make it exact.
            guard fchmod(descriptor, 0o600) == 0 else { throw .system(operation: "chmod", path: temporary, errno: errno) }
            var offset = 0
            let bytes = Array(text.utf8)
            while offset < bytes.count {
                let written = bytes[offset...].withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
                if written < 0 {
                    if errno == EINTR { continue }
                    throw .system(operation: "write", path: temporary, errno: errno)
                }
                offset += written
            }
            guard fsync(descriptor) == 0 else { throw .system(operation: "fsync", path: temporary, errno: errno) }
            let closed = close(descriptor)
            descriptor = -1
            guard closed == 0 else { throw .system(operation: "close", path: temporary, errno: errno) }
            guard rename(temporary, path) == 0 else { throw .system(operation: "rename", path: path, errno: errno) }
        } catch {
            if descriptor >= 0 { close(descriptor) }
            unlink(temporary)
            throw error
        }
        let directoryDescriptor = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard directoryDescriptor >= 0 else { throw .system(operation: "open", path: directory, errno: errno) }
        defer { close(directoryDescriptor) }
        guard fsync(directoryDescriptor) == 0 else { throw .system(operation: "fsync", path: directory, errno: errno) }
    }
}
