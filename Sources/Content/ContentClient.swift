import AsyncHTTPClient
import ContentContract
import Foundation
import Logging
import NIOCore
import NIOSSL

/// Fetches what a Manager selected on a content server: the selection by token, then the content, streamed into
/// the spool, resumable and verified (DESIGN §5). Only configured servers are contacted, redirects included; the
/// token goes only to the content server's own origin and never into a log line.
public final class ContentClient: Sendable {
    public let settings: ContentSettings
    let logger: Logger
    let allowlist: ServerAllowlist
    let clients: HTTPClients

    /// The largest selection document accepted: a few hundred bytes are expected.
    static let selectionLimit = 64 * 1024
    /// The longest chain of redirects followed for one request.
    static let redirectLimit = 5

    public init(settings: ContentSettings, logger: Logger) {
        self.settings = settings
        self.logger = logger
        self.allowlist = ServerAllowlist(settings.servers)
        self.clients = HTTPClients(idleTimeout: settings.idleTimeout)
    }

    /// The configured server this URL belongs to (scheme, host, port compared normalised; path prefix), or
    /// `serverNotTrusted` / `plainHTTPNotAllowed`; no connection is made for an untrusted URL.
    public func trustedServer(for url: String) throws(ContentError) -> TrustedContentServer {
        try allowlist.check(url).server
    }

    /// `GET {server}/3dp/v1/selection` with the token: what the Manager selected for it.
    public func selection(server: String, token: String) async throws(ContentError) -> ContentSelection {
        let entry = try allowlist.check(server)
        guard let base = try? ContentURL(server) else { throw .serverNotTrusted(server) }
        let url = base.appending(path: "3dp/v1/selection")
        var failures = 0
        while true {
            if Task.isCancelled { throw .cancelled }
            let outcome: Result<ContentSelection, AttemptFailure>
            do {
                let (response, finalURL) = try await send(url, token: token, tokenOrigin: entry.base.origin,
                                                          headers: [("Accept", "application/json")])
                switch SelectionResponseDecision(status: Int(response.status.code), url: finalURL) {
                case .decode:
                    let body = try await response.body.collect(upTo: Self.selectionLimit)
                    outcome = .success(try Self.decodeSelection(body, url: finalURL))
                case .retry(let reason):
                    outcome = .failure(.transient(reason))
                case .fail(let error):
                    throw AttemptFailure.fatal(error)
                }
            } catch {
                outcome = .failure(AttemptFailure(error, url: url))
            }
            switch outcome {
            case .success(let selection):
                logger.info("content selected", metadata: ["server": "\(server)", "content": "\(selection.contentId)",
                                                           "size": "\(selection.size)"])
                return selection
            case .failure(.cancelled):
                throw .cancelled
            case .failure(.fatal(let error)):
                logger.warning("selection refused", metadata: ["server": "\(server)", "error": "\(error)"])
                throw error
            case .failure(.transient(let reason)):
                failures += 1
                try await backOff(failures: failures, reason: reason, url: url) { .downloadFailed($0) }
            }
        }
    }

    /// Closes the connections; required before the client is released once it has made a request.
    public func shutdown() async {
        await clients.shutdown()
    }

    // MARK: - Shared by the selection and the download

    /// Why one request did not give what was needed.
    enum AttemptFailure: Error {
        case cancelled
        case fatal(ContentError)
        case transient(String)

        init(_ error: any Error, url: String) {
            if let failure = error as? AttemptFailure { self = failure; return }
            if let content = error as? ContentError { self = content == .cancelled ? .cancelled : .fatal(content); return }
            if error is CancellationError || Task.isCancelled { self = .cancelled; return }
            if let tls = error as? NIOSSLError, case .handshakeFailed = tls {
                self = .fatal(.downloadFailed("the TLS handshake with \(url) failed (\(tls)); is its certificate "
                                              + "signed by the system's authorities or the configured CA file?"))
                return
            }
            if error is NIOTooManyBytesError {
                self = .fatal(.badSelection("\(url) answered with more than \(ContentClient.selectionLimit) bytes"))
                return
            }
            self = .transient("\(url): \(error)")
        }
    }

    /// Sends a GET, following redirects only to trusted URLs; the token only to `tokenOrigin`.
    /// Returns the response and the URL that answered it.
    func send(_ url: String, token: String, tokenOrigin: ContentURL.Origin,
              headers: [(String, String)]) async throws -> (HTTPClientResponse, String) {
        var current = url
        for _ in 0...Self.redirectLimit {
            let entry = try allowlist.check(current).server
            let parsed = try ContentURL(current)
            var request = HTTPClientRequest(url: current)
            request.method = .GET
            for (name, value) in headers { request.headers.add(name: name, value: value) }
            if parsed.origin == tokenOrigin { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
            logger.debug("GET", metadata: ["url": "\(current)", "token": "\(parsed.origin == tokenOrigin ? "sent" : "withheld")"])
            let client = try clients.client(caFile: entry.caFile)
            let response = try await client.execute(request, deadline: .distantFuture, logger: logger)
            let status = Int(response.status.code)
            guard [301, 302, 303, 307, 308].contains(status), let location = response.headers.first(name: "Location")
            else { return (response, current) }
            // The redirect's own body is not wanted; reading it frees the connection.
            _ = try? await response.body.collect(upTo: Self.selectionLimit)
            do {
                current = try parsed.resolving(location: location).text
            } catch {
                throw ContentError.serverNotTrusted(ServerAllowlist.shown(location, refusal: error))
            }
            logger.debug("redirected", metadata: ["status": "\(status)", "to": "\(current)"])
        }
        throw ContentError.downloadFailed("\(url) redirected more than \(Self.redirectLimit) times")
    }

    /// Counts a failure that may pass and waits before the next attempt, or gives up with `giveUp(reason)`.
    func backOff(failures: Int, reason: String, url: String,
                 giveUp: (String) -> ContentError) async throws(ContentError) {
        guard settings.retry.allowsAnotherAttempt(after: failures) else {
            logger.warning("giving up", metadata: ["url": "\(url)", "attempts": "\(failures)", "reason": "\(reason)"])
            throw giveUp("\(reason) (after \(failures) attempts in a row without progress)")
        }
        let delay = settings.retry.delay(afterFailure: failures, jitterSample: Double.random(in: 0...1))
        logger.warning("retrying", metadata: ["url": "\(url)", "failure": "\(failures)", "reason": "\(reason)",
                                              "delay": "\(delay)"])
        do { try await Task.sleep(for: delay) } catch { throw .cancelled }
    }

    static func decodeSelection(_ body: ByteBuffer, url: String) throws(ContentError) -> ContentSelection {
        let selection: ContentSelection
        do {
            selection = try JSONDecoder().decode(ContentSelection.self, from: Data(body.readableBytesView))
        } catch {
            throw .badSelection("\(url) did not answer with a selection document (\(error))")
        }
        return try selection.checked()
    }
}
