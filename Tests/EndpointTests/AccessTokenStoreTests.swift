@testable import Endpoint
import Foundation
import Glibc
import Testing

/// A fresh state directory under /tmp for one test, removed afterwards.
struct StateDirectory: ~Copyable {
    let url: URL

    init() throws {
        var template = Array((NSTemporaryDirectory() + "/3dp-agent-tokens-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else { throw AccessTokenStoreError.system(operation: "mkdtemp", path: "/tmp", errno: errno) }
        url = URL(fileURLWithPath: String(cString: made))
    }

    /// Where agents before the one database kept their tokens; imported at the first start (`TokenFileImportTests`).
    var tokensFile: URL { url.appendingPathComponent("tokens.json") }
    var databaseFile: URL { url.appendingPathComponent("queue.sqlite") }

    /// Every byte of the database as it is on disk: the file and its write-ahead log.
    func databaseBytes() throws -> String {
        let wal = (try? Data(contentsOf: URL(fileURLWithPath: databaseFile.path + "-wal"))) ?? Data()
        return String(decoding: try Data(contentsOf: databaseFile) + wal, as: UTF8.self)
    }

    /// When the database's files were last written, to the nanosecond.
    func databaseWriteTimes() -> [String: Int] {
        var times: [String: Int] = [:]
        for suffix in ["", "-wal"] {
            var status = stat()
            if stat(databaseFile.path + suffix, &status) == 0 {
                times[suffix] = status.st_mtim.tv_sec * 1_000_000_000 + status.st_mtim.tv_nsec
            }
        }
        return times
    }

    func contents() throws -> String {
        String(decoding: try Data(contentsOf: tokensFile), as: UTF8.self)
    }

    func write(_ text: String) throws {
        try Data(text.utf8).write(to: tokensFile)
    }

    deinit {
        try? FileManager.default.removeItem(at: url)
    }
}

private let day = Date(timeIntervalSince1970: 1_795_000_000)  // 2026-11-18, whole seconds

private func at(_ seconds: TimeInterval) -> Date { day.addingTimeInterval(seconds) }

private func sampleHash(_ character: Character) -> String { String(repeating: character, count: 64) }

@Suite("Access token store")
struct AccessTokenStoreTests {
    @Test func issuedTokensVerifyAndSurviveAReload() throws {
        let directory = try StateDirectory()
        let store = try AccessTokenStore(directory: directory.url)
        let issued = try store.issue(label: "OctoPrint plug-in", now: at(0))
        #expect(AccessToken(value: issued.token).isWellFormed)
        #expect(issued.id.utf8.count == 8)

        let record = try #require(store.verify(token: issued.token, now: at(5)))
        #expect(record.id == issued.id)
        #expect(record.label == "OctoPrint plug-in")
        #expect(record.createdAt == at(0))
        #expect(record.lastUsedAt == at(5))
        #expect(record.tokenSHA256 == AccessToken(value: issued.token).sha256Hex())

        let reloaded = try AccessTokenStore(directory: directory.url)
        #expect(try reloaded.list() == [record], "the first use is persisted at once")
        #expect(reloaded.verify(token: issued.token, now: at(6))?.id == issued.id)
    }

    @Test func theDatabaseHoldsHashesNeverTokens() throws {
        let directory = try StateDirectory()
        let store = try AccessTokenStore(directory: directory.url)
        let tokens = try (0..<3).map { try store.issue(label: "client \($0)", now: at(Double($0))).token }
        for token in tokens { _ = store.verify(token: token, now: at(100)) }
        try store.flush()
        let file = try directory.databaseBytes()
        for token in tokens {
            #expect(!file.contains(String(token.dropFirst(4))))
            #expect(file.contains(try AccessToken(value: token).sha256Hex()))
        }
        #expect(!file.contains("3dp_"))
    }

    @Test func theDatabaseIsOwnerOnlyAndNoOtherFileIsMade() throws {
        let directory = try StateDirectory()
        let store = try AccessTokenStore(directory: directory.url)
        _ = try store.issue(label: "a", now: at(0))
        _ = try store.issue(label: "b", now: at(1))
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.url.path).sorted()
        #expect(names == ["queue.sqlite", "queue.sqlite-shm", "queue.sqlite-wal"])
        for name in names {
            var status = stat()
            #expect(stat(directory.url.appendingPathComponent(name).path, &status) == 0)
            #expect(status.st_mode & 0o777 == 0o600, "\(name)")
        }
    }

    @Test func aMissingStateDirectoryIsCreatedOwnerOnly() throws {
        let parent = try StateDirectory()
        let nested = parent.url.appendingPathComponent("var/lib/3dp-agent")
        let store = try AccessTokenStore(directory: nested)
        #expect(try store.list().isEmpty)
        _ = try store.issue(label: "a", now: at(0))
        var status = stat()
        #expect(stat(nested.path, &status) == 0)
        #expect(status.st_mode & 0o777 == 0o700)
        #expect(FileManager.default.fileExists(atPath: nested.appendingPathComponent("queue.sqlite").path))
    }

    @Test func aStateDirectoryThatIsAFileIsAnError() throws {
        let parent = try StateDirectory()
        let notADirectory = parent.url.appendingPathComponent("file")
        try Data().write(to: notADirectory)
        #expect(throws: AccessTokenStoreError.system(operation: "use as state directory", path: notADirectory.path, errno: ENOTDIR)) {
            try AccessTokenStore(directory: notADirectory)
        }
    }

    @Test func revokedTokensStopWorkingAndStayRevokedAfterAReload() throws {
        let directory = try StateDirectory()
        let store = try AccessTokenStore(directory: directory.url)
        let first = try store.issue(label: "first", now: at(0))
        let second = try store.issue(label: "second", now: at(1))

        #expect(try store.revoke(id: first.id))
        #expect(store.verify(token: first.token, now: at(2)) == nil)
        #expect(store.verify(token: second.token, now: at(2))?.id == second.id)
        #expect(try !store.revoke(id: first.id), "already revoked")
        #expect(try !store.revoke(id: "00000000"))

        let reloaded = try AccessTokenStore(directory: directory.url)
        #expect(try reloaded.list().map(\.id) == [second.id])
        #expect(reloaded.verify(token: first.token, now: at(3)) == nil)
        #expect(reloaded.verify(token: second.token, now: at(3)) != nil)
    }

    @Test func wrongTokensAreRefused() throws {
        let directory = try StateDirectory()
        let store = try AccessTokenStore(directory: directory.url)
        let issued = try store.issue(label: "a", now: at(0))
        var altered = Array(issued.token.utf8)
        altered[altered.count - 1] = altered.last == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        let candidates = [
            String(decoding: altered, as: UTF8.self),
            try AccessToken.generate().value,
            String(issued.token.dropLast()),
            issued.token + "A",
            issued.token.uppercased(),
            AccessToken(value: issued.token).sha256Hex(),
            "",
            "Bearer " + issued.token,
        ]
        for candidate in candidates {
            #expect(store.verify(token: candidate, now: at(1)) == nil, "\(candidate)")
        }
        #expect(try store.list().first?.lastUsedAt == nil, "a refused token touches no record")
    }

    @Test(arguments: [
        (name: "not JSON", text: "tokens: yes"),
        (name: "empty file", text: ""),
        (name: "truncated", text: #"{"format":1,"tokens":[{"id":"ab"#),
        (name: "no format", text: #"{"tokens":[]}"#),
        (name: "no tokens", text: #"{"format":1}"#),
        (name: "a token without a hash", text: #"{"format":1,"tokens":[{"id":"ab12","label":"a","createdAt":"2026-11-18T10:00:00Z"}]}"#),
        (name: "a short hash", text: #"{"format":1,"tokens":[{"id":"ab12","label":"a","sha256":"abcd","createdAt":"2026-11-18T10:00:00Z"}]}"#),
        (name: "an id that is not hex", text: #"{"format":1,"tokens":[{"id":"zz","label":"a","sha256":"\#(sampleHash("a"))","createdAt":"2026-11-18T10:00:00Z"}]}"#),
        (name: "a date that is not ISO-8601", text: #"{"format":1,"tokens":[{"id":"ab12","label":"a","sha256":"\#(sampleHash("a"))","createdAt":"yesterday"}]}"#),
        (name: "the same id twice", text: #"{"format":1,"tokens":[{"id":"ab12","label":"a","sha256":"\#(sampleHash("a"))","createdAt":"2026-11-18T10:00:00Z"},{"id":"ab12","label":"b","sha256":"\#(sampleHash("b"))","createdAt":"2026-11-18T10:00:00Z"}]}"#),
    ])
    func aCorruptFileIsAnErrorAndIsLeftAlone(name: String, text: String) throws {
        let directory = try StateDirectory()
        try directory.write(text)
        let error = #expect(throws: AccessTokenStoreError.self) { try AccessTokenStore(directory: directory.url) }
        guard case .corruptFile(let path, let reason)? = error else {
            Issue.record("expected corruptFile, got \(String(describing: error))")
            return
        }
        #expect(path == directory.tokensFile.path)
        #expect(!reason.isEmpty)
        #expect(try directory.contents() == text)
        #expect(!FileManager.default.fileExists(atPath: directory.tokensFile.path + ".migrated"), "not taken as imported")
    }

    @Test func anUnknownFormatIsAnError() throws {
        let directory = try StateDirectory()
        try directory.write(#"{"format":2,"tokens":[]}"#)
        #expect(throws: AccessTokenStoreError.unsupportedFormat(path: directory.tokensFile.path, format: 2)) {
            try AccessTokenStore(directory: directory.url)
        }
    }

    @Test func aHandWrittenFileIsImported() throws {
        let directory = try StateDirectory()
        let token = try AccessToken.generate()
        let hash = token.sha256Hex()
        try directory.write(#"{"format":1,"tokens":[{"id":"0badf00d","label":"Cura","sha256":"\#(hash)","createdAt":"2026-11-18T10:00:00Z","lastUsedAt":"2026-11-19T10:00:00Z"}]}"#)
        let store = try AccessTokenStore(directory: directory.url)
        let record = try #require(try store.list().first)
        #expect(record.id == "0badf00d")
        #expect(record.createdAt == ISO8601DateFormatter().date(from: "2026-11-18T10:00:00Z"))
        #expect(record.lastUsedAt == ISO8601DateFormatter().date(from: "2026-11-19T10:00:00Z"))
        #expect(store.verify(token: token.value, now: at(0))?.id == "0badf00d")
    }

    @Test func lastUsedTimesAreWrittenAtMostOnceAMinute() throws {
        let directory = try StateDirectory()
        let store = try AccessTokenStore(directory: directory.url)
        let issued = try store.issue(label: "a", now: at(0))
        func onDisk() throws -> Date? { try AccessTokenStore(directory: directory.url).list().first?.lastUsedAt }

        _ = store.verify(token: issued.token, now: at(1))
        #expect(try onDisk() == at(1), "the first use after start is written")
        _ = store.verify(token: issued.token, now: at(30))
        #expect(try store.list().first?.lastUsedAt == at(30))
        #expect(try onDisk() == at(1), "not yet a minute since the last write")
        _ = store.verify(token: issued.token, now: at(61))
        #expect(try onDisk() == at(61))
        _ = store.verify(token: issued.token, now: at(70))
        #expect(try onDisk() == at(61))
        try store.flush()
        #expect(try onDisk() == at(70), "flush writes what is pending")
    }

    @Test func aFlushWithNothingPendingDoesNotWrite() throws {
        let directory = try StateDirectory()
        let store = try AccessTokenStore(directory: directory.url)
        let issued = try store.issue(label: "a", now: at(0))
        _ = store.verify(token: issued.token, now: at(1))
        let before = directory.databaseWriteTimes()
        try store.flush()
        #expect(!before.isEmpty && directory.databaseWriteTimes() == before, "nothing reached the database's files")
    }

    @Test func timesAreKeptToTheSecond() throws {
        let directory = try StateDirectory()
        let store = try AccessTokenStore(directory: directory.url)
        let issued = try store.issue(label: "a", now: at(0.75))
        #expect(store.verify(token: issued.token, now: at(2.5))?.lastUsedAt == at(2))
        let record = try #require(try store.list().first)
        #expect(record.createdAt == at(0))
        #expect(try AccessTokenStore(directory: directory.url).list() == [record])
    }

    @Test(arguments: [
        (raw: "OctoPrint plug-in", clean: "OctoPrint plug-in"),
        (raw: "  Cura\t on   desk ", clean: "Cura on desk"),
        (raw: "\u{1B}[31mred\u{1B}[0m\nnext", clean: "[31mred [0m next"),
        (raw: "zero\u{200B}width", clean: "zero width"),
        (raw: "", clean: "unnamed client"),
        (raw: "\n\t", clean: "unnamed client"),
        (raw: String(repeating: "x", count: 100), clean: String(repeating: "x", count: 64)),
    ])
    func labelsAreCleanedForTheTerminal(raw: String, clean: String) throws {
        let directory = try StateDirectory()
        let store = try AccessTokenStore(directory: directory.url)
        _ = try store.issue(label: raw, now: at(0))
        #expect(try store.list().first?.label == clean)
    }

    @Test func listIsOldestFirst() throws {
        let directory = try StateDirectory()
        let store = try AccessTokenStore(directory: directory.url)
        let late = try store.issue(label: "late", now: at(50))
        let early = try store.issue(label: "early", now: at(10))
        #expect(try store.list().map(\.id) == [early.id, late.id])
    }

    @Test func anIdCollisionGetsALongerId() throws {
        let directory = try StateDirectory()
        // Two different tokens whose four id bytes are the same.
        let script = [UInt8](repeating: 1, count: 32) + [0xAB, 0xCD, 0x00, 0x01]
            + [UInt8](repeating: 2, count: 32) + [0xAB, 0xCD, 0x00, 0x01]
        let store = try AccessTokenStore(directory: directory.url, random: ScriptedRandom(bytes: script))
        let first = try store.issue(label: "a", now: at(0))
        let second = try store.issue(label: "b", now: at(1))
        #expect(first.id == "abcd0001")
        #expect(second.id == "abcd00011")
        #expect(store.verify(token: second.token, now: at(2))?.label == "b")
    }

    @Test func aFailingGeneratorIssuesNothing() throws {
        let directory = try StateDirectory()
        let store = try AccessTokenStore(directory: directory.url, random: ScriptedRandom(bytes: []))
        #expect(throws: AccessTokenStoreError.randomnessUnavailable) { try store.issue(label: "a", now: at(0)) }
        #expect(try store.list().isEmpty)
        #expect(!FileManager.default.fileExists(atPath: directory.tokensFile.path))
    }
}
