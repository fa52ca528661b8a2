/// Why a content could not be fetched. Every description is a sentence a person can act on; none holds the token
/// (the cases carry URLs, statuses and sizes only, and URLs never carry credentials: userinfo is refused).
public enum ContentError: Error, Equatable, CustomStringConvertible {
    case serverNotTrusted(String)
    case plainHTTPNotAllowed(String)
    case tokenRejected(status: Int)
    case nothingSelected
    case badSelection(String)
    case downloadFailed(String)
    case integrityFailed(String)
    case spoolFull(String)
    case quotaExceeded(String)
    case cancelled

    public var description: String {
        switch self {
        case .serverNotTrusted(let url):
            return "\(url) is not one of the configured content servers, so it was not contacted"
        case .plainHTTPNotAllowed(let url):
            return "\(url) uses plain HTTP, which the configuration does not allow for this content server"
        case .tokenRejected(let status):
            return "the content server refused the token (HTTP \(status)); it may have expired — ask the Manager for a new one"
        case .nothingSelected:
            return "the content server has nothing selected for this token"
        case .badSelection(let why):
            return "the content server's selection is unusable: \(why)"
        case .downloadFailed(let why):
            return "the download failed: \(why)"
        case .integrityFailed(let why):
            return "the downloaded content is not what the server announced: \(why)"
        case .spoolFull(let why):
            return "not enough space in the spool: \(why)"
        case .quotaExceeded(let why):
            return "the spool quota would be exceeded: \(why)"
        case .cancelled:
            return "the download was cancelled; the partial file is kept for a later resume"
        }
    }
}
