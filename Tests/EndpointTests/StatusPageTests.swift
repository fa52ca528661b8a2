import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
@testable import Endpoint

/// `GET /` and the page's files: what a browser gets, with which headers, and that the agent serves every file of
/// `Sources/Endpoint/StatusPage/web/` as it is.
@Suite(.timeLimit(.minutes(1)))
struct StatusPageTests {
    static let sourceDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Sources/Endpoint/StatusPage/web")

    static func app() -> some ApplicationProtocol {
        EndpointApplication.make(dispatcher: EndpointApplicationTests.dispatcher(), port: 0)
    }

    @Test func theAgentServesEveryFileOfThePageAsItIs() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.sourceDirectory.path).sorted()
        #expect(StatusPageAssets.all.map(\.name).sorted() == names, "a file of StatusPage/web is not in StatusPageAssets")
        for asset in StatusPageAssets.all {
            let file = try Data(contentsOf: Self.sourceDirectory.appendingPathComponent(asset.name))
            #expect(asset.bytes == Array(file), "\(asset.name) differs from StatusPage/web")
        }
    }

    /// The files the page asks for: the style sheet and script in `index.html`, the modules the scripts import.
    static func referencedFiles() -> Set<String> {
        var names: Set<String> = []
        for asset in StatusPageAssets.all {
            let text = String(decoding: asset.bytes, as: UTF8.self)
            for match in text.matches(of: /(?:href|src)="status-page\/([a-z-]+\.[a-z]+)"/) { names.insert(String(match.1)) }
            for match in text.matches(of: /from '\.\/([a-z-]+\.js)'/) { names.insert(String(match.1)) }
        }
        return names
    }

    @Test func thePageAndEveryFileItLoadsAreServedUnder100KB() async throws {
        let referenced = Self.referencedFiles()
        #expect(referenced == Set(StatusPageAssets.all.map(\.name)).subtracting(["index.html"]), "a file is not loaded, or missing")
        try await Self.app().test(.router) { client in
            var total = 0
            try await client.execute(uri: "/", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/html; charset=utf-8")
                #expect(response.headers[.contentSecurityPolicy]?.hasPrefix("default-src 'none'; script-src 'self'; style-src 'self'") == true)
                #expect(response.headers[.xContentTypeOptions] == "nosniff")
                #expect(response.headers[.cacheControl] == "no-cache")
                #expect(response.headers[.eTag]?.hasPrefix("\"") == true)
                #expect(String(buffer: response.body).contains("<title>3dp-agent</title>"))
                total += response.body.readableBytes
            }
            for name in referenced.sorted() {
                try await client.execute(uri: "/status-page/\(name)", method: .get) { response in
                    #expect(response.status == .ok, "\(name)")
                    let type = name.hasSuffix(".js") ? "text/javascript; charset=utf-8" : "text/css; charset=utf-8"
                    #expect(response.headers[.contentType] == type)
                    #expect(response.headers[.xContentTypeOptions] == "nosniff")
                    total += response.body.readableBytes
                }
            }
            #expect(total < 100_000, "the page is \(total) bytes")
        }
    }

    @Test func aBrowserThatHasTheFileGetsNotModified() async throws {
        let asset = try #require(StatusPageAssets.all.first { $0.name == "page.js" })
        try await Self.app().test(.router) { client in
            try await client.execute(uri: "/status-page/page.js", method: .get, headers: [.ifNoneMatch: asset.entityTag]) { response in
                #expect(response.status == .notModified)
                #expect(response.body.readableBytes == 0)
                #expect(response.headers[.eTag] == asset.entityTag)
            }
            try await client.execute(uri: "/status-page/page.js", method: .get, headers: [.ifNoneMatch: "\"older\""]) { response in
                #expect(response.status == .ok)
            }
        }
    }

    @Test func onlyThePagesOwnFilesAreServed() async throws {
        try await Self.app().test(.router) { client in
            for uri in ["/status-page/index.html", "/status-page/secret.js", "/status-page/..%2FPackage.swift", "/index.html"] {
                try await client.execute(uri: uri, method: .get) { response in
                    #expect(response.status == .notFound, "\(uri)")
                }
            }
        }
    }

    @Test(arguments: [
        ("127.0.0.1:8631", "connect-src 'self' ws://127.0.0.1:8631 wss://127.0.0.1:8631;"),
        ("printer.local:8631", "connect-src 'self' ws://printer.local:8631 wss://printer.local:8631;"),
        ("[fe80::1]:8631", "connect-src 'self' ws://[fe80::1]:8631 wss://[fe80::1]:8631;"),
        ("evil; script-src *", "connect-src 'self';"),
        ("a b", "connect-src 'self';"),
        ("", "connect-src 'self';"),
    ])
    func theWebSocketOfTheSameHostIsTheOnlyConnectionAllowed(host: String, expected: String) {
        let policy = StatusPageHeaders.contentSecurityPolicy(host: host)
        #expect(policy.contains(expected), "\(policy)")
        #expect(policy.components(separatedBy: "script-src").count == 2)
    }

    @Test func ifNoneMatchComparesTags() {
        #expect(StatusPageHeaders.matches(ifNoneMatch: "\"abc\"", entityTag: "\"abc\""))
        #expect(StatusPageHeaders.matches(ifNoneMatch: "W/\"abc\"", entityTag: "\"abc\""))
        #expect(StatusPageHeaders.matches(ifNoneMatch: "\"x\", \"abc\"", entityTag: "\"abc\""))
        #expect(StatusPageHeaders.matches(ifNoneMatch: "*", entityTag: "\"abc\""))
        #expect(!StatusPageHeaders.matches(ifNoneMatch: "\"abd\"", entityTag: "\"abc\""))
        #expect(!StatusPageHeaders.matches(ifNoneMatch: nil, entityTag: "\"abc\""))
    }
}
