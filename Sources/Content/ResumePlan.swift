/// What to do with a part file left by an earlier attempt, from its size alone (the bytes are checked after).
public enum ResumePlan: Sendable, Equatable {
    /// Nothing usable on disk: download from the first byte.
    case fresh
    /// Hash the part's bytes from disk, then ask for the rest with `Range: bytes=<from>-`.
    case resume(from: Int64)
    /// The part is as long as the content: only its hash remains to be checked.
    case verify
    /// Longer than the content can be: not this content's bytes, thrown away.
    case discard

    public init(partBytes: Int64?, size: Int64) {
        switch partBytes {
        case nil, 0?: self = .fresh
        case let n? where n < 0: self = .discard
        case let n? where n < size: self = .resume(from: n)
        case let n? where n == size: self = .verify
        default: self = .discard
        }
    }
}

/// A `Content-Range: bytes <first>-<last>/<total>` header (`*` for an unknown total).
public struct ContentRange: Sendable, Equatable {
    public var first: Int64
    public var last: Int64
    public var total: Int64?

    public init(first: Int64, last: Int64, total: Int64?) {
        self.first = first
        self.last = last
        self.total = total
    }

    public init?(header: String) {
        let text = header.trimmingPrefix(while: { $0 == " " })
        guard text.lowercased().hasPrefix("bytes ") else { return nil }
        let spec = text.dropFirst("bytes ".count).trimmingPrefix(while: { $0 == " " })
        let halves = spec.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard halves.count == 2 else { return nil }
        let bounds = halves[0].split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
        guard bounds.count == 2, let first = Int64(bounds[0]), let last = Int64(bounds[1]), first >= 0, last >= first
        else { return nil }
        var total: Int64?
        if halves[1] != "*" {
            guard let value = Int64(halves[1]), value > last else { return nil }
            total = value
        }
        self.init(first: first, last: last, total: total)
    }
}

/// What the client does with the status and headers of a content response (the body is not read yet).
public enum ContentResponseDecision: Sendable, Equatable {
    /// Write the body at this offset; an offset of 0 after asking for a range means starting over (truncate).
    case write(from: Int64)
    /// The server sent a range other than the one asked for, or none is satisfiable: start over without a range.
    case restartFromZero(String)
    /// The server's content is not the announced one (another total size): counts as an integrity failure.
    case mismatch(String)
    /// May pass: try again after a delay.
    case retry(String)
    /// Follow `Location`, after checking it against the allowlist.
    case redirect(String)
    case fail(ContentError)

    public init(status: Int, contentRange: String?, location: String?, requestedFrom: Int64, size: Int64,
                url: String) {
        switch status {
        case 200:
            self = .write(from: 0)
        case 206:
            guard let header = contentRange, let range = ContentRange(header: header) else {
                self = .restartFromZero("a partial answer without a usable Content-Range")
                return
            }
            if let total = range.total, total != size {
                self = .mismatch("the server now has \(total) bytes, the selection announced \(size)")
            } else if range.first != requestedFrom {
                self = .restartFromZero("asked for bytes from \(requestedFrom), got from \(range.first)")
            } else {
                self = .write(from: requestedFrom)
            }
        case 416:
            self = .restartFromZero("the server cannot serve bytes from \(requestedFrom)")
        case 301, 302, 303, 307, 308:
            if let location, !location.isEmpty {
                self = .redirect(location)
            } else {
                self = .fail(.downloadFailed("\(url) answered HTTP \(status) without a Location"))
            }
        case 401, 403:
            self = .fail(.tokenRejected(status: status))
        case 404:
            self = .fail(.downloadFailed("\(url) does not exist on the content server (HTTP 404)"))
        case 408, 429, 500...599:
            self = .retry("\(url) answered HTTP \(status)")
        default:
            self = .fail(.downloadFailed("\(url) answered HTTP \(status)"))
        }
    }
}

/// What the client does with the status of a selection response.
public enum SelectionResponseDecision: Sendable, Equatable {
    case decode
    case retry(String)
    case fail(ContentError)

    public init(status: Int, url: String) {
        switch status {
        case 200: self = .decode
        case 401, 403: self = .fail(.tokenRejected(status: status))
        case 404: self = .fail(.nothingSelected)
        case 408, 429, 500...599: self = .retry("\(url) answered HTTP \(status)")
        default: self = .fail(.badSelection("\(url) answered HTTP \(status)"))
        }
    }
}
