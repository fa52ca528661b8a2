import AsyncHTTPClient
import Content
import ContentContract
import ContentServer
import Foundation
import NIOCore
import Testing

@Suite(.serialized, .timeLimit(.minutes(1)))
struct ContentServerLoopbackTests {
    @Test func tokensNeedTheAdminKey() async throws {
        let root = try ContentRoot()
        defer { root.remove() }
        try root.write("cube.gcode", size: 10)
        try await Loopback.withServer(Loopback.settings(root)) { server, client in
            let url = server.baseURL + "/3dp/v1/tokens"
            let body = #"{"contentId": "cube.gcode"}"#
            #expect(try await Loopback.fetch(client, url, method: "POST", body: body).status == 401)
            #expect(try await Loopback.fetch(client, url, method: "POST", bearer: "wrong", body: body).status == 401)
            let issued = try await Loopback.fetch(client, url, method: "POST", bearer: Loopback.adminKey,
                                                  body: #"{"contentId": "cube.gcode", "lifetimeSeconds": 60}"#)
            #expect(issued.status == 201)
            let answer = try JSONDecoder().decode([String: String].self, from: Data(issued.body))
            #expect(answer["contentId"] == "cube.gcode")
            #expect(answer["token"]?.count == 43)
            #expect(answer["expiresAt"]?.hasSuffix("Z") == true)
            let unknown = try await Loopback.fetch(client, url, method: "POST", bearer: Loopback.adminKey,
                                                   body: #"{"contentId": "nothing.gcode"}"#)
            #expect(unknown.status == 404)
            let malformed = try await Loopback.fetch(client, url, method: "POST", bearer: Loopback.adminKey, body: "{\"content")
            #expect(malformed.status == 400)
            #expect(try await Loopback.fetch(client, server.baseURL + "/3dp/v1/contents").status == 401)
            let list = try await Loopback.fetch(client, server.baseURL + "/3dp/v1/contents", bearer: Loopback.adminKey)
            #expect(String(decoding: list.body, as: UTF8.self)
                == #"{"contents":[{"contentId":"cube.gcode","mediaType":"text/x.gcode","name":"cube.gcode","size":10}]}"#)

            // The token from the route works for the selection.
            let selection = try await Loopback.fetch(client, server.baseURL + "/3dp/v1/selection", bearer: answer["token"])
            #expect(selection.status == 200)
        }
    }

    @Test func theSelectionIsAContentSelectionWithTheFilesHash() async throws {
        let root = try ContentRoot()
        defer { root.remove() }
        try root.write("parts/my bracket.stl", size: 300_000)
        try await Loopback.withServer(Loopback.settings(root)) { server, client in
            let token = try await server.issueToken(contentId: "parts/my bracket.stl")
            let fetched = try await Loopback.fetch(client, server.baseURL + "/3dp/v1/selection", bearer: token.token)
            #expect(fetched.status == 200)
            let selection = try JSONDecoder().decode(ContentSelection.self, from: Data(fetched.body))
            #expect(selection == ContentSelection(
                contentId: "parts/my bracket.stl", name: "my bracket.stl",
                uri: server.baseURL + "/3dp/v1/contents/parts/my%20bracket.stl", size: 300_000,
                sha256: try Loopback.sha256(root.path + "/parts/my bracket.stl"), mediaType: "model/stl",
                expiresAt: token.expiresAt.formatted(.iso8601)))

            // The URI it gives is where the bytes are.
            let download = try await Loopback.fetch(client, selection.uri, bearer: token.token)
            #expect(download.status == 200)
            #expect(download.body.count == 300_000)
        }
    }

    @Test func anExpiredOrUnknownTokenIsRefused() async throws {
        let root = try ContentRoot()
        defer { root.remove() }
        try root.write("cube.gcode", size: 10)
        let clock = TestClock()
        try await Loopback.withServer(Loopback.settings(root, clock: clock)) { server, client in
            let token = try await server.issueToken(contentId: "cube.gcode")
            let url = server.baseURL + "/3dp/v1/selection"
            #expect(try await Loopback.fetch(client, url, bearer: token.token).status == 200)
            clock.advance(by: 899)
            #expect(try await Loopback.fetch(client, url, bearer: token.token).status == 200)
            clock.advance(by: 1)
            let expired = try await Loopback.fetch(client, url, bearer: token.token)
            #expect(expired.status == 401)
            #expect(expired.header("WWW-Authenticate") == #"Bearer error="invalid_token""#)
            let download = try await Loopback.fetch(client, Loopback.contentURL(server, "cube.gcode"), bearer: token.token)
            #expect(download.status == 401)

            let unknown = try await Loopback.fetch(client, url, bearer: "not-a-token")
            #expect(unknown.status == 401)
            #expect(unknown.header("WWW-Authenticate") == #"Bearer error="invalid_token""#)
            #expect(try await Loopback.fetch(client, url).status == 401)

            let fresh = try await server.issueToken(contentId: "cube.gcode")
            #expect(try await Loopback.fetch(client, url, bearer: fresh.token).status == 200)
            await server.expireAllTokens()
            #expect(try await Loopback.fetch(client, url, bearer: fresh.token).status == 401)
        }
    }

    @Test func aSelectionWhoseFileVanishedIsNotFound() async throws {
        let root = try ContentRoot()
        defer { root.remove() }
        try root.write("cube.gcode", size: 10)
        try await Loopback.withServer(Loopback.settings(root)) { server, client in
            let token = try await server.issueToken(contentId: "cube.gcode")
            try FileManager.default.removeItem(atPath: root.path + "/cube.gcode")
            #expect(try await Loopback.fetch(client, server.baseURL + "/3dp/v1/selection", bearer: token.token).status == 404)
        }
    }

    struct RangeCase: Sendable, CustomTestStringConvertible {
        var range: String?
        var status: Int
        var bytes: Range<Int>?
        var contentRange: String?
        var testDescription: String { range ?? "no range" }
    }

    @Test(arguments: [
        RangeCase(range: nil, status: 200, bytes: 0..<1000, contentRange: nil),
        RangeCase(range: "bytes=600-", status: 206, bytes: 600..<1000, contentRange: "bytes 600-999/1000"),
        RangeCase(range: "bytes=10-19", status: 206, bytes: 10..<20, contentRange: "bytes 10-19/1000"),
        RangeCase(range: "bytes=-100", status: 206, bytes: 900..<1000, contentRange: "bytes 900-999/1000"),
        RangeCase(range: "bytes=1000-", status: 416, bytes: nil, contentRange: "bytes */1000"),
    ])
    func downloadsHonourRange(_ testCase: RangeCase) async throws {
        let root = try ContentRoot()
        defer { root.remove() }
        let file = try root.write("parts/bracket.stl", size: 1000)
        try await Loopback.withServer(Loopback.settings(root)) { server, client in
            let token = try await server.issueToken(contentId: "parts/bracket.stl")
            let fetched = try await Loopback.fetch(client, Loopback.contentURL(server, "parts/bracket.stl"),
                                                   bearer: token.token,
                                                   headers: testCase.range.map { [("Range", $0)] } ?? [])
            #expect(fetched.status == testCase.status)
            #expect(fetched.header("Content-Range") == testCase.contentRange)
            #expect(fetched.header("Accept-Ranges") == "bytes")
            #expect(fetched.header("ETag") == "\"\(try Loopback.sha256(root.path + "/parts/bracket.stl"))\"")
            if let bytes = testCase.bytes {
                #expect(fetched.body.elementsEqual(Array(file[bytes])))
                #expect(fetched.header("Content-Length") == String(bytes.count))
                #expect(fetched.header("Content-Type") == "model/stl")
            }
        }
    }

    @Test func ifRangeSendsTheWholeFileWhenTheFileChanged() async throws {
        let root = try ContentRoot()
        defer { root.remove() }
        let file = try root.write("cube.gcode", size: 1000)
        try await Loopback.withServer(Loopback.settings(root)) { server, client in
            let token = try await server.issueToken(contentId: "cube.gcode")
            let url = Loopback.contentURL(server, "cube.gcode")
            let etag = "\"\(try Loopback.sha256(root.path + "/cube.gcode"))\""
            let matching = try await Loopback.fetch(client, url, bearer: token.token,
                                                    headers: [("Range", "bytes=500-"), ("If-Range", etag)])
            #expect(matching.status == 206)
            #expect(matching.body.elementsEqual(Array(file[500...])))
            let stale = try await Loopback.fetch(client, url, bearer: token.token,
                                                 headers: [("Range", "bytes=500-"), ("If-Range", "\"\(String(repeating: "0", count: 64))\"")])
            #expect(stale.status == 200)
            #expect(stale.body.elementsEqual(file))
        }
    }

    @Test func aTokenOpensOnlyItsOwnContent() async throws {
        let root = try ContentRoot()
        defer { root.remove() }
        try root.write("cube.gcode", size: 10)
        try root.write("parts/bracket.stl", size: 10)
        try await Loopback.withServer(Loopback.settings(root)) { server, client in
            let token = try await server.issueToken(contentId: "cube.gcode")
            #expect(try await Loopback.fetch(client, Loopback.contentURL(server, "parts/bracket.stl"), bearer: token.token).status == 403)
            #expect(try await Loopback.fetch(client, Loopback.contentURL(server, "cube.gcode")).status == 401)
        }
    }

    @Test func aDropCutsTheBodyAfterNBytesForKResponses() async throws {
        let root = try ContentRoot()
        defer { root.remove() }
        let file = try root.write("cube.gcode", size: 200_000)
        let faults = ContentFaults(dropAfterBytes: 70_000, dropCount: 1)
        try await Loopback.withServer(Loopback.settings(root, faults: faults)) { server, client in
            let token = try await server.issueToken(contentId: "cube.gcode")
            let url = Loopback.contentURL(server, "cube.gcode")
            let (cut, error) = try await BodyCollector.fetch(client, url, bearer: token.token)
            #expect(error != nil)
            #expect(cut.bytes.count == 70_000)
            #expect(cut.bytes.elementsEqual(Array(file[..<70_000])))
            let resumed = try await Loopback.fetch(client, url, bearer: token.token, headers: [("Range", "bytes=70000-")])
            #expect(resumed.status == 206)
            #expect(resumed.bodyError == nil)
            #expect(resumed.body.elementsEqual(Array(file[70_000...])))
            #expect(await server.faults().dropCount == 0)
            let record = await server.servedRequests().filter { $0.path == "/3dp/v1/contents/cube.gcode" }
            #expect(record.map(\.bodyBytes) == [70_000, 130_000])
        }
    }

    @Test func aCorruptionFlipsOneByteInTheNextKResponses() async throws {
        let root = try ContentRoot()
        defer { root.remove() }
        let file = try root.write("cube.gcode", size: 300_000)
        try await Loopback.withServer(Loopback.settings(root)) { server, client in
            await server.setFaults(ContentFaults(corruptOffset: 250_000, corruptCount: 2))
            let token = try await server.issueToken(contentId: "cube.gcode")
            let url = Loopback.contentURL(server, "cube.gcode")
            // A range without the offset neither suffers nor counts.
            let before = try await Loopback.fetch(client, url, bearer: token.token, headers: [("Range", "bytes=0-1000")])
            #expect(before.body.elementsEqual(Array(file[0...1000])))
            var expectedCorrupt = file
            expectedCorrupt[250_000] ^= 0xFF
            #expect(try await Loopback.fetch(client, url, bearer: token.token).body.elementsEqual(expectedCorrupt))
            let part = try await Loopback.fetch(client, url, bearer: token.token, headers: [("Range", "bytes=249999-250001")])
            #expect(part.body.elementsEqual([file[249_999], file[250_000] ^ 0xFF, file[250_001]]))
            #expect(try await Loopback.fetch(client, url, bearer: token.token).body.elementsEqual(file))
        }
    }

    @Test func aFailStatusAnswersTheNextKDownloads() async throws {
        let root = try ContentRoot()
        defer { root.remove() }
        try root.write("cube.gcode", size: 100)
        try await Loopback.withServer(Loopback.settings(root)) { server, client in
            let token = try await server.issueToken(contentId: "cube.gcode")
            let url = Loopback.contentURL(server, "cube.gcode")
            let put = try await Loopback.fetch(client, server.baseURL + "/3dp/v1/faults", method: "PUT",
                                               bearer: Loopback.adminKey, body: #"{"failStatus": 503, "failCount": 2}"#)
            #expect(put.status == 200)
            #expect(try await Loopback.fetch(client, server.baseURL + "/3dp/v1/faults", method: "PUT",
                                             body: #"{"failStatus": 500}"#).status == 401)
            #expect(try await Loopback.fetch(client, url, bearer: token.token).status == 503)
            #expect(try await Loopback.fetch(client, url, bearer: token.token).status == 503)
            #expect(try await Loopback.fetch(client, url, bearer: token.token).status == 200)
            let plan = try await Loopback.fetch(client, server.baseURL + "/3dp/v1/faults", bearer: Loopback.adminKey)
            #expect(try JSONDecoder().decode(ContentFaults.self, from: Data(plan.body)).failCount == 0)
        }
    }

    @Test func aRateThrottlesTheDownload() async throws {
        let root = try ContentRoot()
        defer { root.remove() }
        let file = try root.write("cube.gcode", size: 100_000)
        try await Loopback.withServer(Loopback.settings(root, faults: ContentFaults(bytesPerSecond: 200_000))) { server, client in
            let token = try await server.issueToken(contentId: "cube.gcode")
            let started = ContinuousClock.now
            let fetched = try await Loopback.fetch(client, Loopback.contentURL(server, "cube.gcode"), bearer: token.token)
            let elapsed = ContinuousClock.now - started
            #expect(fetched.body.elementsEqual(file))
            #expect(elapsed >= .milliseconds(450))
            #expect(elapsed < .seconds(5))
        }
    }

    @Test func theRecordSaysWhatWasServed() async throws {
        let root = try ContentRoot()
        defer { root.remove() }
        try root.write("cube.gcode", size: 1000)
        try await Loopback.withServer(Loopback.settings(root)) { server, client in
            let token = try await server.issueToken(contentId: "cube.gcode")
            _ = try await Loopback.fetch(client, server.baseURL + "/3dp/v1/selection", bearer: "bad")
            _ = try await Loopback.fetch(client, Loopback.contentURL(server, "cube.gcode"), bearer: token.token,
                                         headers: [("Range", "bytes=100-")])
            _ = try await Loopback.fetch(client, Loopback.contentURL(server, "cube.gcode"))
            let served = await server.servedRequests()
            #expect(served == [
                ServedRequest(method: "GET", path: "/3dp/v1/selection", range: nil, hadAuthorization: true,
                              authorizationValid: false, status: 401, bodyBytes: 43),
                ServedRequest(method: "GET", path: "/3dp/v1/contents/cube.gcode", range: "bytes=100-",
                              hadAuthorization: true, authorizationValid: true, status: 206, bodyBytes: 900),
                ServedRequest(method: "GET", path: "/3dp/v1/contents/cube.gcode", range: nil, hadAuthorization: false,
                              authorizationValid: false, status: 401, bodyBytes: 38),
            ])
        }
    }

    @Test func stoppingCutsADownloadInFlight() async throws {
        let root = try ContentRoot()
        defer { root.remove() }
        try root.write("cube.gcode", size: 1_000_000)
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        let settings = Loopback.settings(root, faults: ContentFaults(bytesPerSecond: 20_000))
        let (response, stopTook) = try await ContentServer.serve(settings, logger: Loopback.logger) { server in
            let token = try await server.issueToken(contentId: "cube.gcode")
            var request = HTTPClientRequest(url: Loopback.contentURL(server, "cube.gcode"))
            request.headers.add(name: "Authorization", value: "Bearer \(token.token)")
            let response = try await client.execute(request, timeout: .seconds(30))
            return (response, ContinuousClock.now)
        }
        let took = ContinuousClock.now - stopTook
        #expect(response.status == .ok)
        #expect(took < .seconds(1))
        var received = 0
        await #expect(throws: (any Error).self) {
            for try await chunk in response.body { received += chunk.readableBytes }
        }
        #expect(received < 1_000_000)
        try await client.shutdown()
    }

    @Test func aPortInUseIsSaidSo() async throws {
        let root = try ContentRoot()
        defer { root.remove() }
        try await Loopback.withServer(Loopback.settings(root)) { server, _ in
            var second = Loopback.settings(root)
            second.port = server.port
            await #expect(throws: ContentServerError.self) {
                try await ContentServer.serve(second, logger: Loopback.logger) { _ in }
            }
        }
    }
}
