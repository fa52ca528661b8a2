import ThreeDPProtocol

/// An error response from the agent: the request arrived and was refused or failed there. The wire's
/// `{code, message, data}` as the Endpoint reads it, plus what a terminal user needs (`description`, `hint`).
public struct AgentError: Error, Sendable, Equatable, CustomStringConvertible {
    public var error: JSONRPCError

    public init(_ error: JSONRPCError) {
        self.error = error
    }

    public init(code: Int, message: String, data: JSONValue? = nil) {
        self.init(JSONRPCError(code: code, message: message, data: data))
    }

    public var code: Int { error.code }
    public var message: String { error.message }
    public var data: JSONValue? { error.data }

    /// The code as people look it up: JSON-RPC codes in decimal, DWAPI security and 3DP codes in hex.
    public var codeText: String {
        code > 0xFFFF ? "0x" + String(code, radix: 16, uppercase: true) : String(code)
    }

    /// What the user can do about it, when there is something.
    public var hint: String? {
        switch code {
        case JSONRPCError.privilegeNotGrantedCode:
            "run `3dp-agent client pair` first"
        case JSONRPCError.authenticationFailedCode:
            "the stored access token no longer counts; run `3dp-agent client pair` again"
        case JSONRPCError.methodNotFoundCode:
            "the agent may be older than this client"
        case JSONRPCError.pairingExpiredCode:
            "run `3dp-agent client pair` again for a new code"
        case JSONRPCError.printerHaltedCode:
            "reset the printer, then check it before printing again"
        default:
            nil
        }
    }

    /// One line for a terminal: the particulars when the agent sent them (they name the method, parameter or
    /// printer), else the table's description, then the code and a hint.
    public var description: String {
        var what: String
        switch data {
        case .string(let particulars)?: what = particulars
        case nil, .null?: what = message
        case let other?: what = message + " " + TerminalText.compactJSON(other)
        }
        if what.hasSuffix(".") { what.removeLast() }
        var line = "the agent refused: \(what) (\(codeText))"
        if let hint { line += "; " + hint }
        return line
    }
}

/// The agent could not be reached, or what came back is not a 3DP-1 answer.
public enum AgentConnectionError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Nothing accepts connections at the address (refused, unreachable host, connect timeout).
    case noAgent(AgentURL)
    /// The connection was made but the answer did not come before the request's deadline.
    case noAnswerInTime(AgentURL, method: String)
    /// The agent answered 413: the request is over its message size limit.
    case requestTooLarge(AgentURL, detail: String)
    /// An HTTP status the 3DP-1 transport never uses for this request.
    case unexpectedStatus(AgentURL, status: Int, method: String)
    /// The answer is not a well-formed 3DP-1 response (bad JSON, missing version members, wrong id, …).
    case malformedAnswer(AgentURL, reason: String)
    /// The agent closed the WebSocket; it gives a reason when it disconnects a client on purpose (too slow).
    case closedByAgent(AgentURL, code: Int, reason: String)
    /// The WebSocket could not be opened or broke off without a close frame.
    case webSocketFailed(AgentURL, reason: String)
    /// The agent presents another TLS certificate than the one pinned at pairing.
    case certificateChanged(AgentURL, pinned: CertificateFingerprint, presented: CertificateFingerprint)
    /// `pairing.complete` named another certificate than the one the connection presented (or none over TLS).
    case certificateNotNamed(AgentURL, presented: CertificateFingerprint, named: String?)
    /// The TLS connection failed for another reason than a changed certificate.
    case tlsFailed(AgentURL, reason: String)
    /// An `http://` URL for an agent that speaks only TLS there (it answered 400 "this port speaks HTTPS").
    case speaksHTTPS(AgentURL)

    /// The agent this happened with.
    public var url: AgentURL {
        switch self {
        case .noAgent(let url), .noAnswerInTime(let url, _), .requestTooLarge(let url, _), .unexpectedStatus(let url, _, _),
             .malformedAnswer(let url, _), .closedByAgent(let url, _, _), .webSocketFailed(let url, _),
             .certificateChanged(let url, _, _), .certificateNotNamed(let url, _, _), .tlsFailed(let url, _),
             .speaksHTTPS(let url):
            url
        }
    }

    public var description: String {
        switch self {
        case .noAgent(let url):
            "no agent answers at \(url); is `3dp-agent run` running there?"
        case .noAnswerInTime(let url, let method):
            "the agent at \(url) did not answer \(method) in time"
        case .requestTooLarge(let url, let detail):
            "the agent at \(url) refused the request as too large (\(detail))"
        case .unexpectedStatus(let url, let status, let method):
            "the agent at \(url) answered \(method) with HTTP status \(status)"
        case .malformedAnswer(let url, let reason):
            "the agent at \(url) sent an answer that is not 3DP-1: \(reason)"
        case .closedByAgent(let url, let code, let reason):
            "the agent at \(url) closed the connection" + (reason.isEmpty ? " (code \(code))" : ": \(reason) (code \(code))")
        case .webSocketFailed(let url, let reason):
            "the WebSocket to \(url) failed: \(reason)"
        case .certificateChanged(let url, let pinned, let presented):
            "the agent at \(url) presents a different TLS certificate than the one pinned at pairing (pinned \(pinned), "
                + "now \(presented)): refused. Another device may be answering in its place; if the agent was reinstalled "
                + "or its certificate was replaced on purpose (compare `3dp-agent pair --list` on the board), pair again "
                + "with `3dp-agent client pair`"
        case .certificateNotNamed(let url, let presented, let named):
            "the agent at \(url) presented the TLS certificate \(presented), but pairing.complete named "
                + (named.map { "\($0)" } ?? "none") + ": the access token was not kept; something between this client "
                + "and the agent may be intercepting the connection"
        case .tlsFailed(let url, let reason):
            "the TLS connection to \(url) failed: \(reason)"
        case .speaksHTTPS(let url):
            "the agent at \(url) speaks HTTPS only: use --url https://\(url.host):\(url.port)"
        }
    }
}
