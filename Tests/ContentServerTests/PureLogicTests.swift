import Foundation
import ServiceScope
import Testing
@testable import ContentServer

struct ContentFaultsTests {
    @Test func aFailStatusFiresItsCountThenStops() {
        var plan = ContentFaults(failStatus: 503, failCount: 2)
        #expect(plan.next(for: 0...9) == .fail(status: 503))
        #expect(plan.next(for: 0...9) == .fail(status: 503))
        #expect(plan.next(for: 0...9) == .send(DownloadFaults()))
    }

    @Test func aDropOnlyCountsResponsesLongEnoughToBeCut() {
        var plan = ContentFaults(dropAfterBytes: 100, dropCount: 1)
        #expect(plan.next(for: 0...99) == .send(DownloadFaults()))
        #expect(plan.next(for: 0...100) == .send(DownloadFaults(dropAfterBytes: 100)))
        #expect(plan.next(for: 0...1000) == .send(DownloadFaults()))
    }

    @Test func aCorruptionOnlyCountsResponsesThatCarryItsOffset() {
        var plan = ContentFaults(corruptOffset: 50, corruptCount: 2)
        #expect(plan.next(for: 60...99) == .send(DownloadFaults()))
        #expect(plan.next(for: 0...99) == .send(DownloadFaults(corruptOffset: 50)))
        #expect(plan.next(for: 50...50) == .send(DownloadFaults(corruptOffset: 50)))
        #expect(plan.next(for: 0...99) == .send(DownloadFaults()))
        #expect(plan.next(for: nil) == .send(DownloadFaults()))
    }

    @Test func aRateStaysWhileSet() {
        var plan = ContentFaults(bytesPerSecond: 1000)
        #expect(plan.next(for: 0...9) == .send(DownloadFaults(bytesPerSecond: 1000)))
        #expect(plan.next(for: 0...9) == .send(DownloadFaults(bytesPerSecond: 1000)))
    }

    @Test func aPlanWithoutCountsFiresOnce() throws {
        let plan = try JSONDecoder().decode(ContentFaults.self, from: Data(#"{"dropAfterBytes": 5}"#.utf8))
        #expect(plan == ContentFaults(dropAfterBytes: 5))
        #expect(plan.dropCount == 1)
    }
}

struct TokenBookTests {
    @Test func aTokenWorksUntilItExpires() {
        var book = TokenBook()
        let start = Date(timeIntervalSince1970: 1_000_000)
        let issued = book.issue(contentId: "cube.gcode", lifetime: .seconds(900), now: start)
        #expect(issued.expiresAt == start.addingTimeInterval(900))
        #expect(book.check(issued.token, now: start.addingTimeInterval(899)) == .valid(issued))
        #expect(book.check(issued.token, now: start.addingTimeInterval(900)) == .invalid)
        #expect(book.check("someone-else's", now: start) == .invalid)
    }

    @Test func tokensAreRandomAndURLSafe() {
        var book = TokenBook()
        let now = Date()
        let tokens = (0..<50).map { _ in book.issue(contentId: "a", lifetime: .seconds(1), now: now).token }
        #expect(Set(tokens).count == 50)
        #expect(tokens.allSatisfy { $0.count == 43 && $0.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" } })
    }
}

struct ListenAddressTests {
    @Test(arguments: [("127.0.0.1:8632", "127.0.0.1", 8632), ("localhost:0", "localhost", 0), ("[::1]:80", "::1", 80)])
    func parses(_ text: String, _ host: String, _ port: Int) throws {
        #expect(try ListenAddress.parse(text, ports: 0...65535) == ListenAddress(host: host, port: port))
    }

    @Test(arguments: ["127.0.0.1", "127.0.0.1:", ":8632", "host:65536", "host:-1", "host:http"])
    func refuses(_ text: String) {
        #expect(throws: ListenAddress.Invalid.self) { try ListenAddress.parse(text, ports: 0...65535) }
    }
}
