import ArgumentParser
import ContentServer
import Foundation
import Logging
import ServiceScope

/// `3dp-content-server`: the reference content server, for the demo, the tests and plug-in authors.
@main
struct ContentServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "3dp-content-server",
        abstract: "Serve the files under a directory as 3DP contents, behind short-lived tokens.")

    @Option(help: "The directory whose files are served as contents.")
    var root: String

    @Option(help: "HOST:PORT to listen on (port 0 picks a free one).")
    var listen: String = "127.0.0.1:8632"

    @Option(help: "The admin key guarding token issuing (generated and printed once when neither key option is given).")
    var adminKey: String?

    @Option(help: "A file holding the admin key.")
    var adminKeyFile: String?

    @Option(help: "How long a token lives, in seconds.")
    var tokenLifetime: Int = 900

    @Option(help: "The origin put into selection URIs (default: the scheme and listen address).")
    var publicURL: String?

    @Option(help: "PEM certificate chain: serve HTTPS.")
    var tlsCert: String?

    @Option(help: "PEM private key for --tls-cert.")
    var tlsKey: String?

    @Option(help: "Fault: close the connection after this many body bytes of a download.")
    var dropAfter: Int64?

    @Option(help: "For how many downloads --drop-after fires.")
    var dropCount: Int = 1

    @Option(name: .customLong("corrupt-at"), help: "Fault: flip the byte at this file offset.")
    var corruptAt: Int64?

    @Option(help: "For how many downloads --corrupt-at fires.")
    var corruptCount: Int = 1

    @Option(help: "Fault: throttle downloads to this many bytes per second.")
    var rate: Int?

    @Option(help: "Fault: answer this HTTP status instead of the content.")
    var failStatus: Int?

    @Option(help: "For how many downloads --fail-status fires.")
    var failCount: Int = 1

    @Flag(help: "Fault: ignore Range headers and answer every download with 200 and the whole file.")
    var ignoreRange = false

    @Option(help: "Fault: end every download body cleanly after at most this many bytes (a server that lies about the size).")
    var shortBody: Int64?

    @Option(name: .customLong("trickle-ms"), help: "Fault: send download bodies one byte per this many milliseconds.")
    var trickleMilliseconds: Int?

    @Option(help: "Print a ready token for this content id at start.")
    var issue: String?

    func validate() throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ValidationError("the root '\(root)' is not a directory")
        }
        do { _ = try ListenAddress.parse(listen, ports: 0...65535) } catch { throw ValidationError("bad listen address: \(error.description)") }
        guard adminKey == nil || adminKeyFile == nil else {
            throw ValidationError("give --admin-key or --admin-key-file, not both")
        }
        guard (tlsCert == nil) == (tlsKey == nil) else { throw ValidationError("--tls-cert and --tls-key go together") }
        guard tokenLifetime > 0 else { throw ValidationError("--token-lifetime must be positive") }
        if let failStatus, !(400...599).contains(failStatus) {
            throw ValidationError("--fail-status must be an HTTP error status (400-599)")
        }
        if let rate, rate <= 0 { throw ValidationError("--rate must be positive") }
        if let shortBody, shortBody < 0 { throw ValidationError("--short-body must not be negative") }
        if let trickleMilliseconds, trickleMilliseconds <= 0 { throw ValidationError("--trickle-ms must be positive") }
    }

    func run() async throws {
        let address = try ListenAddress.parse(listen, ports: 0...65535)
        var logger = Logger(label: "3dp-content-server")
        logger.logLevel = .info
        let (key, generated) = try resolveAdminKey()
        let settings = ContentServerSettings(
            root: root, host: address.host, port: address.port, adminKey: key,
            tokenLifetime: .seconds(tokenLifetime), publicURL: publicURL,
            tls: tlsCert.flatMap { cert in tlsKey.map { (certificatePath: cert, keyPath: $0) } },
            faults: ContentFaults(dropAfterBytes: dropAfter, dropCount: dropCount, corruptOffset: corruptAt,
                                  corruptCount: corruptCount, bytesPerSecond: rate, failStatus: failStatus,
                                  failCount: failCount, ignoreRange: ignoreRange, shortBodyBytes: shortBody,
                                  trickleMilliseconds: trickleMilliseconds))
        // A ContentServerError (port in use, unknown --issue id) says itself; no usage text after it.
        try await ContentServer.run(settings, logger: logger) { server in
            let count = try await server.contentCount()
            say("3dp-content-server: serving \(count) content(s) from \(root) at \(server.baseURL)")
            if generated { say("admin key (shown once): \(key)") }
            if let issue {
                let token = try await server.issueToken(contentId: issue)
                say("token for \(issue) (until \(token.expiresAtText)): \(token.token)")
                say("try: curl -H \"Authorization: Bearer \(token.token)\" \(server.baseURL)/3dp/v1/selection")
            }
        }
    }

    /// Unbuffered: scripts read these lines through a pipe while the server runs.
    private func say(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    private func resolveAdminKey() throws -> (key: String, generated: Bool) {
        if let adminKey { return (adminKey, false) }
        if let adminKeyFile {
            let text: String
            do { text = try String(contentsOfFile: adminKeyFile, encoding: .utf8) } catch {
                throw ValidationError("cannot read the admin key file '\(adminKeyFile)'")
            }
            let key = text.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !key.isEmpty else { throw ValidationError("the admin key file '\(adminKeyFile)' is empty") }
            return (key, false)
        }
        return (RandomToken.make(), true)
    }
}
