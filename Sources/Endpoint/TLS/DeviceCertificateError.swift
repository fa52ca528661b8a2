import Glibc
import OwnerOnlyFiles

/// Why the agent's TLS identity cannot be used. The agent refuses to start rather than make a new identity:
/// every paired Manager pinned the old certificate and would then refuse the agent as an impostor, so a change
/// must be a person's decision (moving the two files away), not a side effect of a damaged disk.
public enum DeviceCertificateError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A file exists but does not hold what it should.
    case damaged(what: String, reason: String)
    /// The certificate is there but its key is not.
    case keyMissing(path: String)
    case system(operation: String, path: String, errno: Int32)
    /// Paths are filled in by the loader, which knows them.
    indirect case atPaths(DeviceCertificateError, certificate: String, key: String)

    public var description: String {
        switch self {
        case .damaged(let what, let reason): "the agent's TLS \(what) is damaged: \(reason)"
        case .keyMissing(let path): "the agent's TLS private key \(path) is missing"
        case .system(let operation, let path, let code): "cannot \(operation) \(path): \(String(cString: strerror(code)))"
        case .atPaths(let error, let certificate, let key):
            "\(error) (certificate \(certificate), key \(key)). The agent does not make a new certificate by itself, "
                + "because every paired Manager would then refuse it as a changed certificate. To start over with a new "
                + "one, move both files away and restart; then pair every Manager again"
        }
    }
}

extension DeviceCertificateError {
    static func system(_ failure: FileSystemFailure) -> Self {
        .system(operation: failure.operation, path: failure.path, errno: failure.errno)
    }
}
