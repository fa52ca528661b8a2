import Hummingbird
import NIOCore

/// `GET /`: the status page, and `GET /status-page/<file>` its style sheet and scripts, all carried in the binary.
/// The page is a Manager like any other: it calls the 3DP-1 endpoint on the same port (no second API), so it is
/// served to anyone, as `service.discover` is; what it shows beyond that needs a token it pairs for.
enum StatusPageRoutes {
    static let filesPath = "/status-page"

    static func add(to router: Router<EndpointRequestContext>) {
        let files = Dictionary(uniqueKeysWithValues: StatusPageAssets.all.map { ($0.name, $0) })
        router.get("/") { request, _ -> Response in
            var response = answer(StatusPageAssets.index_html, request: request)
            response.headers[.contentSecurityPolicy] = StatusPageHeaders.contentSecurityPolicy(host: request.head.authority)
            return response
        }
        router.get("\(filesPath)/:file") { request, context -> Response in
            // The page itself is `/` only: one address for it, and one policy.
            guard let name = context.parameters.get("file"), name != "index.html", let file = files[name] else {
                throw HTTPError(.notFound, message: "the status page has no such file")
            }
            return answer(file, request: request)
        }
    }

    private static func answer(_ file: StatusPageAsset, request: Request) -> Response {
        var headers = HTTPFields()
        for (name, value) in StatusPageHeaders.common(contentType: file.contentType, entityTag: file.entityTag) {
            if let field = HTTPFields.Element.Name(name) { headers[field] = value }
        }
        if StatusPageHeaders.matches(ifNoneMatch: request.headers[.ifNoneMatch], entityTag: file.entityTag) {
            headers[.contentType] = nil
            return Response(status: .notModified, headers: headers)
        }
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: file.bytes)))
    }
}
