import Jobs
import ThreeDPProtocol

/// `print.start` (7.2.5, 7.2.6, 3D-HSF-02/04) and `content.servers` (3D-HSF-05, 7.2.4): the Manager hands the
/// agent a content server's token, and the agent fetches the selected content itself.
enum ContentMethods {
    static func register(into table: inout MethodTable, context: EndpointContext) {
        table.register("content.servers") { request, _ in
            try request.allowingOnly([])
            return .object(["servers": .array(context.contentServers.map { server in
                .object(["name": .string(server.name), "url": .string(server.url),
                         "tls": .bool(server.url.lowercased().hasPrefix("https://"))])
            })])
        }

        table.register("print.start") { request, _ in
            try request.allowingOnly(["serviceId", "contentServer", "token"])
            let service = try context.service(request)
            let server = try request.nonEmptyString("contentServer")
            let token = try request.nonEmptyString("token")
            guard isBearerToken(token) else {
                throw JSONRPCError.invalidParams(
                    "parameter \"token\" must be a bearer token: 1 to 4096 letters, digits and -._~+/ with = at the end")
            }
            let job: PrintJob
            do throws(PrinterServiceError) {
                job = try await service.enqueue(contentServer: server, token: token)
            } catch {
                throw JSONRPCError.from(error)
            }
            return .object([
                "job": JobView.json(job, order: await service.order(of: job.id)),
                "queue": JobView.queue(await service.jobs()),
            ])
        }
    }

    /// RFC 6750's b64token: the token goes into an Authorization header, so nothing may break out of it.
    static func isBearerToken(_ token: String) -> Bool {
        let bytes = Array(token.utf8)
        guard (1...4096).contains(bytes.count) else { return false }
        var index = 0
        while index < bytes.count, isTokenByte(bytes[index]) { index += 1 }
        guard index > 0 else { return false }
        return bytes[index...].allSatisfy { $0 == UInt8(ascii: "=") }
    }

    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "+"), UInt8(ascii: "/"):
            return true
        default:
            return false
        }
    }
}
