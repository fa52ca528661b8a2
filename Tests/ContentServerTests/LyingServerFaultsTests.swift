import ContentServer
import Foundation
import Testing

/// The faults of a server that lies or never quite ends (issue 14, finding 4), on loopback.
@Suite(.serialized, .timeLimit(.minutes(1)))
struct LyingServerFaultsTests {
    @Test func ignoreRangeAnswersTheWholeFileWith200() async throws {
        let root = try ContentRoot()
        defer { root.remove() }
        let file = try root.write("cube.gcode", size: 50_000)
        try await Loopback.withServer(Loopback.settings(root, faults: ContentFaults(ignoreRange: true))) { server, client in
            let token = try await server.issueToken(contentId: "cube.gcode")
            let fetched = try await Loopback.fetch(client, Loopback.contentURL(server, "cube.gcode"), bearer: token.token,
                                                   headers: [("Range", "bytes=20000-")])
            #expect(fetched.status == 200)
            #expect(fetched.header("Content-Range") == nil)
            #expect(fetched.body.elementsEqual(file))
        }
    }

    @Test func aShortBodyEndsCleanlyBeforeTheAnnouncedSize() async throws {
        let root = try ContentRoot()
        defer { root.remove() }
        let file = try root.write("cube.gcode", size: 50_000)
        try await Loopback.withServer(Loopback.settings(root, faults: ContentFaults(shortBodyBytes: 30_000))) { server, client in
            let token = try await server.issueToken(contentId: "cube.gcode")
            let selection = try await Loopback.fetch(client, server.baseURL + "/3dp/v1/selection", bearer: token.token)
            #expect(String(decoding: selection.body, as: UTF8.self).contains(#""size":50000"#))
            for _ in 0..<2 {
                let fetched = try await Loopback.fetch(client, Loopback.contentURL(server, "cube.gcode"), bearer: token.token)
                #expect(fetched.status == 200)
                #expect(fetched.bodyError == nil)
                #expect(fetched.header("Content-Length") == "30000")
                #expect(fetched.body.elementsEqual(file[..<30_000]))
            }
        }
    }

    @Test func aTrickleSendsOneBytePerInterval() async throws {
        let root = try ContentRoot()
        defer { root.remove() }
        let file = try root.write("cube.gcode", size: 5)
        try await Loopback.withServer(Loopback.settings(root, faults: ContentFaults(trickleMilliseconds: 100))) { server, client in
            let token = try await server.issueToken(contentId: "cube.gcode")
            let started = ContinuousClock.now
            let fetched = try await Loopback.fetch(client, Loopback.contentURL(server, "cube.gcode"), bearer: token.token)
            let elapsed = ContinuousClock.now - started
            #expect(fetched.body.elementsEqual(file))
            #expect(elapsed >= .milliseconds(450), "\(elapsed)")
            #expect(elapsed < .seconds(5))
        }
    }

    @Test func theLiesCanBeSetThroughTheFaultRoute() async throws {
        let root = try ContentRoot()
        defer { root.remove() }
        try root.write("cube.gcode", size: 10)
        try await Loopback.withServer(Loopback.settings(root)) { server, client in
            let put = try await Loopback.fetch(client, server.baseURL + "/3dp/v1/faults", method: "PUT", bearer: Loopback.adminKey,
                                               body: #"{"ignoreRange": true, "shortBodyBytes": 4, "trickleMilliseconds": 25000}"#)
            #expect(put.status == 200)
            let plan = await server.faults()
            #expect(plan.ignoreRange && plan.shortBodyBytes == 4 && plan.trickleMilliseconds == 25_000)
        }
    }
}
