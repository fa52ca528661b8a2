import ContentContract
import Foundation
import Hummingbird
import NIOCore
import Synchronization

/// The routes of DESIGN §5 plus the admin routes (tokens, the content list, the fault plan).
struct ContentRoutes: Sendable {
    static let base = "/3dp/v1"
    static let contentsPrefix = base + "/contents/"

    let desk: ContentDesk
    let origin: PublicOrigin

    func register(on router: Router<ContentRequestContext>) {
        router.post("/3dp/v1/tokens") { request, _ in try await issueToken(request) }
        router.get("/3dp/v1/contents") { request, _ in listContents(request) }
        router.get("/3dp/v1/selection") { request, _ in try await selection(request) }
        router.get("/3dp/v1/contents/**") { request, context in try await download(request, context: context) }
        router.get("/3dp/v1/faults") { request, _ in await faults(request) }
        router.put("/3dp/v1/faults") { request, _ in try await replaceFaults(request) }
    }

    // MARK: Admin routes

    private struct TokenRequest: Decodable {
        var contentId: String
        var lifetimeSeconds: Double?
    }

    private struct TokenAnswer: Encodable {
        var token: String
        var contentId: String
        var expiresAt: String
    }

    private func issueToken(_ request: Request) async throws -> Response {
        guard desk.isAdmin(bearer(request)) else { return answer(request, adminRefused(request)) }
        guard let asked = try? await decode(TokenRequest.self, from: request),
              asked.lifetimeSeconds.map({ $0 > 0 && $0 <= 31_536_000 }) ?? true else {
            return answer(request, problem(.badRequest, "expected {\"contentId\": \"...\", \"lifetimeSeconds\"?: n}"),
                          authorizationValid: true)
        }
        let lifetime = asked.lifetimeSeconds.map { Duration.milliseconds(Int64(($0 * 1000).rounded())) }
        do {
            let issued = try await desk.issueToken(contentId: asked.contentId, lifetime: lifetime)
            return answer(request, json(.created, TokenAnswer(token: issued.token, contentId: issued.contentId,
                                                              expiresAt: issued.expiresAtText)),
                          authorizationValid: true)
        } catch {
            return answer(request, problem(.notFound, "no content '\(asked.contentId)'"), authorizationValid: true)
        }
    }

    private struct ContentList: Encodable {
        struct Item: Encodable {
            var contentId: String
            var name: String
            var size: Int64
            var mediaType: String
        }
        var contents: [Item]
    }

    private func listContents(_ request: Request) -> Response {
        guard desk.isAdmin(bearer(request)) else { return answer(request, adminRefused(request)) }
        let items = desk.catalog.entries().map {
            ContentList.Item(contentId: $0.contentId, name: $0.name, size: $0.size, mediaType: $0.mediaType)
        }
        return answer(request, json(.ok, ContentList(contents: items)), authorizationValid: true)
    }

    private func faults(_ request: Request) async -> Response {
        guard desk.isAdmin(bearer(request)) else { return answer(request, adminRefused(request)) }
        return answer(request, json(.ok, await desk.faults), authorizationValid: true)
    }

    private func replaceFaults(_ request: Request) async throws -> Response {
        guard desk.isAdmin(bearer(request)) else { return answer(request, adminRefused(request)) }
        guard let plan = try? await decode(ContentFaults.self, from: request) else {
            return answer(request, problem(.badRequest, "expected a fault plan"), authorizationValid: true)
        }
        await desk.setFaults(plan)
        return answer(request, json(.ok, plan), authorizationValid: true)
    }

    // MARK: Token routes

    private func selection(_ request: Request) async throws -> Response {
        let issued: IssuedToken
        switch await holder(request) {
        case .refused(let response): return answer(request, response)
        case .holds(let token): issued = token
        }
        guard let entry = desk.catalog.entry(for: issued.contentId) else {
            return answer(request, problem(.notFound, "the selected content is gone"), authorizationValid: true)
        }
        let sha256 = try await desk.hashes.sha256(of: entry)
        let selection = ContentSelection(
            contentId: entry.contentId, name: entry.name,
            uri: origin.url + Self.contentsPrefix + ContentPath.encode(entry.contentId),
            size: entry.size, sha256: sha256, mediaType: entry.mediaType, expiresAt: issued.expiresAtText)
        return answer(request, json(.ok, selection), authorizationValid: true)
    }

    private func download(_ request: Request, context: ContentRequestContext) async throws -> Response {
        let issued: IssuedToken
        switch await holder(request) {
        case .refused(let response): return answer(request, response)
        case .holds(let token): issued = token
        }
        let path = request.uri.path
        guard let contentId = ContentPath.decode(path.dropFirst(Self.contentsPrefix.count)),
              path.hasPrefix(Self.contentsPrefix), contentId == issued.contentId else {
            return answer(request, problem(.forbidden, "the token is for another content"))
        }
        guard let entry = desk.catalog.entry(for: contentId) else {
            return answer(request, problem(.notFound, "the content is gone"), authorizationValid: true)
        }
        let etag = "\"\(try await desk.hashes.sha256(of: entry))\""
        var rangeHeader = request.headers[.range]
        if let ifRange = request.headers[.ifRange], ifRange != etag { rangeHeader = nil }
        let lies = await desk.faults
        if lies.ignoreRange { rangeHeader = nil }

        var headers: HTTPFields = [.acceptRanges: "bytes", .eTag: etag]
        let status: HTTPResponse.Status
        let range: ClosedRange<Int64>?
        switch ByteRangeRequest.parse(rangeHeader, size: entry.size) {
        case .unsatisfiable:
            headers[.contentRange] = "bytes */\(entry.size)"
            headers[.contentLength] = "0"
            return answer(request, Response(status: .rangeNotSatisfiable, headers: headers), authorizationValid: true)
        case .whole:
            status = .ok
            let end = min(entry.size, lies.shortBodyBytes.map { max(0, $0) } ?? entry.size)
            range = end > 0 ? 0...(end - 1) : nil
        case .part(let part):
            status = .partialContent
            range = part
            headers[.contentRange] = "bytes \(part.lowerBound)-\(part.upperBound)/\(entry.size)"
        }
        switch await desk.verdict(for: range) {
        case .fail(let code):
            return answer(request, problem(HTTPResponse.Status(code: code), "injected failure"), authorizationValid: true)
        case .send(let faults):
            let length = range.map { $0.count } ?? 0
            headers[.contentType] = entry.mediaType
            headers[.contentLength] = String(length)
            var fileBody = ResponseBody()
            if let range {
                fileBody = try await FileIO().loadFile(path: entry.path, range: Int(range.lowerBound)...Int(range.upperBound),
                                                   context: context, chunkLength: 512 * 1024)
            }
            let file = fileBody
            let channel = context.channel
            let stop = desk.stop
            let body = ResponseBody(contentLength: length) { writer in
                let id = ObjectIdentifier(channel)
                guard stop.register(id, { channel.close(promise: nil) }) else { throw MeteredBodyWriter.ServerStopping() }
                defer { stop.unregister(id) }
                try await file.write(metered(writer, request: request, status: status, authorizationValid: true,
                                             faults: faults, firstOffset: range?.lowerBound ?? 0, length: Int64(length),
                                             drain: { await Self.flushed(channel, unless: stop) }))
            }
            return Response(status: status, headers: headers, body: body)
        }
    }

    // MARK: Credentials

    private enum Holder {
        case holds(IssuedToken)
        case refused(Response)
    }

    /// Who holds a valid token, or the 401 that says why not (RFC 6750 §3).
    private func holder(_ request: Request) async -> Holder {
        guard let token = bearer(request) else {
            return .refused(problem(.unauthorized, "a Bearer token is required", headers: [.wwwAuthenticate: "Bearer"]))
        }
        guard case .valid(let issued) = await desk.check(token: token) else {
            return .refused(problem(.unauthorized, "the token is unknown or expired",
                                    headers: [.wwwAuthenticate: "Bearer error=\"invalid_token\""]))
        }
        return .holds(issued)
    }

    private func adminRefused(_ request: Request) -> Response {
        problem(.unauthorized, "the admin key is required", headers: [.wwwAuthenticate: "Bearer"])
    }

    private func bearer(_ request: Request) -> String? {
        guard let value = request.headers[.authorization] else { return nil }
        let parts = value.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        let credential = parts[1].trimmingCharacters(in: .whitespaces)
        return credential.isEmpty ? nil : credential
    }

    // MARK: Responses

    /// The response, with its body metered into the request record.
    private func answer(_ request: Request, _ response: Response, authorizationValid: Bool = false) -> Response {
        var response = response
        let inner = response.body
        let length = Int64(inner.contentLength ?? 0)
        let status = response.status
        response.body = ResponseBody(contentLength: inner.contentLength) { writer in
            try await inner.write(metered(writer, request: request, status: status,
                                          authorizationValid: authorizationValid, faults: DownloadFaults(),
                                          firstOffset: 0, length: length))
        }
        return response
    }

    private func metered(_ writer: any ResponseBodyWriter, request: Request, status: HTTPResponse.Status,
                         authorizationValid: Bool, faults: DownloadFaults, firstOffset: Int64,
                         length: Int64, drain: @escaping @Sendable () async -> Void = {}) -> MeteredBodyWriter {
        let ledger = desk.ledger
        let entry = ServedRequest(method: request.method.rawValue, path: request.uri.path,
                                  range: request.headers[.range],
                                  hadAuthorization: request.headers[.authorization] != nil,
                                  authorizationValid: authorizationValid, status: status.code, bodyBytes: 0)
        return MeteredBodyWriter(base: writer, faults: faults, firstOffset: firstOffset, length: length,
                                 stop: desk.stop, drain: drain) { bytes in
            var served = entry
            served.bodyBytes = bytes
            ledger.append(served)
        }
    }

    /// Until the connection holds no written byte that has not gone to the socket (bounded: a client that stopped
    /// reading does not hold a drop up for more than a few seconds).
    private static func flushed(_ channel: any Channel, unless stop: StopSignal) async {
        let deadline = ContinuousClock.now + .seconds(5)
        while !stop.isSet, ContinuousClock.now < deadline {
            guard let buffered = try? await channel.getOption(.bufferedWritableBytes).get(), buffered > 0 else { return }
            try? await Task.sleep(for: .milliseconds(2))
        }
    }

    private func json(_ status: HTTPResponse.Status, _ value: some Encodable) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
        return Response(status: status, headers: [.contentType: "application/json"],
                        body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    private func problem(_ status: HTTPResponse.Status, _ message: String, headers: HTTPFields = [:]) -> Response {
        var response = json(status, ["error": message])
        response.headers.append(contentsOf: headers)
        return response
    }

    private func decode<T: Decodable>(_ type: T.Type, from request: Request) async throws -> T {
        var request = request
        let buffer = try await request.collectBody(upTo: 64 * 1024)
        return try JSONDecoder().decode(T.self, from: Data(buffer.readableBytesView))
    }
}

/// The origin selection URIs start with; known only once the server is bound (port 0).
final class PublicOrigin: Sendable {
    private let value = Mutex("")

    var url: String {
        get { value.withLock { $0 } }
        set { value.withLock { $0 = newValue } }
    }
}

/// A content id in a URL path: each `/`-separated segment percent-encoded but for RFC 3986's unreserved characters.
enum ContentPath {
    private static let unreserved = CharacterSet(
        charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    static func encode(_ contentId: String) -> String {
        contentId.split(separator: "/", omittingEmptySubsequences: false)
            .map { $0.addingPercentEncoding(withAllowedCharacters: unreserved) ?? String($0) }
            .joined(separator: "/")
    }

    static func decode(_ path: Substring) -> String? {
        var segments: [String] = []
        for segment in path.split(separator: "/", omittingEmptySubsequences: false) {
            guard let decoded = segment.removingPercentEncoding, !decoded.contains("/") else { return nil }
            segments.append(decoded)
        }
        return segments.joined(separator: "/")
    }
}
