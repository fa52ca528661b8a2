import AsyncHTTPClient
import Foundation
import GCode
import Logging
import NIOCore
import NIOPosix
import ThreeDPProtocol

/// A Manager's conversation with one agent over 3DP-1: requests over HTTP (`POST /3dp/v1/rpc`, Bearer token),
/// and WebSockets for callbacks (see `AgentSession+WebSocket.swift`).
///
/// It owns an HTTP client, so it must be shut down; `AgentSession.with(…)` does that around a body.
public final class AgentSession: Sendable {
    public let url: AgentURL
    /// The access token from pairing; nil before pairing (discovery, pairing and `agent.time` work without one).
    public let accessToken: String?
    /// For an `https` agent, the only certificate its connections accept (nil for `http`).
    public let certificate: PinnedCertificate?
    let logger: Logger
    private let http: HTTPClient

    /// How long a request may take, beyond the time an `events.poll` is asked to wait.
    public static let requestTimeout: TimeAmount = .seconds(30)
    /// What a `printer.gcode` request that holds a long command (M109, M190, G28, G29, M400…, see `LongCommand`) may
    /// take on top: the agent answers it when the printer's `ok` comes, after the heat-up, the homing or the probing.
    /// Two hours outlast any heater or probe run; an agent that vanished is still noticed in the end.
    public static let longCommandTimeout: TimeAmount = .hours(2)

    /// This session's `requestTimeout` (tests shorten it).
    let ordinaryTimeout: TimeAmount

    /// - Parameter certificate: for an `https` agent, the certificate pinned at pairing; `with(…)` looks at the
    ///   agent's certificate first when there is none yet. An `https` session without one accepts no connection.
    public init(url: AgentURL, accessToken: String?, certificate: PinnedCertificate? = nil,
                logger: Logger = Logger(label: "3dp-agent.client"),
                requestTimeout: TimeAmount = AgentSession.requestTimeout) {
        self.url = url
        self.accessToken = accessToken
        self.certificate = certificate
        self.logger = logger
        ordinaryTimeout = requestTimeout
        var configuration = HTTPClient.Configuration()
        // A refused connection is the answer "no agent here"; retrying it would only hang until the deadline.
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.timeout.connect = .seconds(5)
        configuration.redirectConfiguration = .disallow
        configuration.tlsConfiguration = Self.tlsConfiguration(certificate)
        http = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }

    /// Runs `body` with a session and shuts it down afterwards, also when `body` throws.
    ///
    /// For an `https` agent without a pinned certificate (first contact: pairing, discovery), the certificate the
    /// agent presents now is pinned for this session; `pair` then checks it against `pairing.complete`.
    public static func with<Result: Sendable>(
        url: AgentURL, accessToken: String?, certificate: PinnedCertificate? = nil,
        logger: Logger = Logger(label: "3dp-agent.client"),
        requestTimeout: TimeAmount = AgentSession.requestTimeout,
        _ body: (AgentSession) async throws -> Result
    ) async throws -> Result {
        var certificate = certificate
        if url.scheme == "https", certificate == nil {
            certificate = try await firstContact(url)
        }
        let session = AgentSession(url: url, accessToken: accessToken, certificate: certificate, logger: logger,
                                   requestTimeout: requestTimeout)
        let result: Result
        do {
            result = try await body(session)
        } catch {
            await session.shutdown()
            throw error
        }
        await session.shutdown()
        return result
    }

    public func shutdown() async {
        do {
            try await http.shutdown()
        } catch {
            logger.debug("HTTP client shutdown failed", metadata: ["error": "\(error)"])
        }
    }

    /// Calls `method` and returns its `result`. An error response throws `AgentError`; not reaching the agent or
    /// an answer that is not 3DP-1 throws `AgentConnectionError`. An `events.poll` answered with 204 (its timeout
    /// passed with nothing to deliver) returns `{"callbacks": []}`, the result it stands for.
    public func call(_ method: String, params: [String: JSONValue] = [:]) async throws -> JSONValue {
        let id = Self.newRequestID()
        let body = try JSONRPCRequest(id: id, method: method, params: params).encoded()

        var request = HTTPClientRequest(url: url.rpcURL)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "Accept", value: "application/json")
        if let accessToken { request.headers.add(name: "Authorization", value: "Bearer \(accessToken)") }
        request.body = .bytes(body)

        let response: HTTPClientResponse
        do {
            response = try await http.execute(request, timeout: timeout(for: method, params: params), logger: logger)
        } catch {
            throw await explained(error) ?? Self.connectionError(error, url: url, method: method)
        }
        let answer: ByteBuffer
        do {
            answer = try await response.body.collect(upTo: AgentAnswer.limits.maxMessageBytes)
        } catch {
            throw AgentConnectionError.malformedAnswer(url, reason: "the answer could not be read whole (\(error))")
        }

        switch response.status.code {
        case 200:
            return try AgentAnswer.result(ofHTTPBody: answer.readableBytesView, id: id, from: url)
        case 204 where method == Self.pollMethod:
            return .object(["callbacks": .array([])])
        case 400 where url.scheme == "http" && String(buffer: answer).hasPrefix("this port speaks HTTPS"):
            throw AgentConnectionError.speaksHTTPS(url)
        case 413:
            throw AgentConnectionError.requestTooLarge(url, detail: Self.refusalText(answer) ?? "\(body.count) bytes")
        default:
            throw AgentConnectionError.unexpectedStatus(url, status: Int(response.status.code), method: method)
        }
    }

    static let pollMethod = "events.poll"

    /// Long polling (7.3.3): the callbacks that arrived for `subscriptionId`, waiting up to `timeoutSeconds` for one;
    /// empty when the wait passed with none.
    public func poll(subscriptionId: String, timeoutSeconds: Int? = nil) async throws -> [AgentCallback] {
        var params: [String: JSONValue] = ["subscriptionId": .string(subscriptionId)]
        if let timeoutSeconds { params["timeoutSeconds"] = .integer(Int64(timeoutSeconds)) }
        return try AgentAnswer.callbacks(inPollResult: try await call(Self.pollMethod, params: params), from: url)
    }

    /// Request ids only need to be unique among this client's requests; a UUID also keeps them apart in the
    /// agent's logs when several clients run at once.
    static func newRequestID() -> String {
        UUID().uuidString.lowercased()
    }

    /// A poll is allowed its own wait on top of the usual time (default 30 s, contract maximum 60 s); console lines
    /// that hold a long command are followed to the printer's answer, however long the heater or the probe takes.
    func timeout(for method: String, params: [String: JSONValue]) -> TimeAmount {
        switch method {
        case Self.pollMethod:
            let wait = params["timeoutSeconds"]?.int64Value ?? 30
            return ordinaryTimeout + .seconds(max(0, min(wait, 60)))
        case Self.consoleMethod:
            let lines = params["lines"]?.arrayValue?.compactMap(\.stringValue) ?? []
            return lines.contains { LongCommand.waits($0) } ? ordinaryTimeout + Self.longCommandTimeout : ordinaryTimeout
        default:
            return ordinaryTimeout
        }
    }

    static let consoleMethod = "printer.gcode"

    /// The message of the JSON-RPC error a refusal (413) carries, when it carries one.
    private static func refusalText(_ body: ByteBuffer) -> String? {
        guard let messages = try? JSONRPCServerMessage.decode(body.readableBytesView, limits: AgentAnswer.limits),
              messages.count == 1, case .response(let response) = messages[0],
              case .error(let error) = response.outcome
        else { return nil }
        return error.message
    }

    /// Connection failures that mean "nothing listens there" become `.noAgent`; the rest keep their own words.
    static func connectionError(_ error: any Error, url: AgentURL, method: String) -> any Error {
        if error is CancellationError { return error }
        if let error = error as? HTTPClientError {
            switch error {
            case .connectTimeout, .remoteConnectionClosed:
                return AgentConnectionError.noAgent(url)
            case .deadlineExceeded, .readTimeout:
                return AgentConnectionError.noAnswerInTime(url, method: method)
            default:
                return AgentConnectionError.malformedAnswer(url, reason: "\(error)")
            }
        }
        if isConnectFailure(error) { return AgentConnectionError.noAgent(url) }
        return error
    }

    /// Refused, unreachable or unresolvable: NIO reports these as `NIOConnectionError` (host name connects) or as
    /// an `IOError` with the socket's errno (address connects).
    static func isConnectFailure(_ error: any Error) -> Bool {
        if error is NIOConnectionError { return true }
        if let error = error as? IOError {
            return [ECONNREFUSED, EHOSTUNREACH, ENETUNREACH, ETIMEDOUT, ECONNRESET].contains(error.errnoCode)
        }
        if let error = error as? ChannelError, case .connectTimeout = error { return true }
        return false
    }
}
