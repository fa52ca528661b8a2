@testable import Endpoint
import Foundation
import Jobs
import Testing

/// An older agent's `tokens.json` is brought into the database at the first start, with a real file and a real
/// SQLite file in a temporary state directory: nothing is lost, and the import is not repeated.
@Suite("Access tokens from an older agent's file")
struct TokenFileImportTests {
    private let created = ISO8601DateFormatter().date(from: "2026-11-18T10:00:00Z")!
    private let used = ISO8601DateFormatter().date(from: "2026-11-19T10:00:00Z")!

    /// Two clients as the old store wrote them (pretty-printed, sorted keys), one never used.
    private func olderFile(_ first: AccessToken, _ second: AccessToken) throws -> String {
        """
        {
          "format" : 1,
          "tokens" : [
            {
              "createdAt" : "2026-11-18T10:00:00Z",
              "id" : "0badf00d",
              "label" : "Cura on the desk",
              "lastUsedAt" : "2026-11-19T10:00:00Z",
              "sha256" : "\(try first.sha256Hex())"
            },
            {
              "createdAt" : "2026-11-18T10:00:00Z",
              "id" : "cafe01",
              "label" : "OctoPrint plug-in",
              "sha256" : "\(try second.sha256Hex())"
            }
          ]
        }
        """
    }

    @Test func everyClientIsImportedOnceAndTheFileIsKept() throws {
        let directory = try StateDirectory()
        let first = try AccessToken.generate()
        let second = try AccessToken.generate()
        let text = try olderFile(first, second)
        try directory.write(text)
        try Data().write(to: directory.url.appendingPathComponent("tokens.lock"))

        let store = try AccessTokenStore(directory: directory.url)
        let expected = [
            TokenRecord(id: "0badf00d", label: "Cura on the desk", tokenSHA256: try first.sha256Hex(), createdAt: created,
                        lastUsedAt: used),
            TokenRecord(id: "cafe01", label: "OctoPrint plug-in", tokenSHA256: try second.sha256Hex(), createdAt: created),
        ]
        #expect(try store.list() == expected)
        #expect(store.verify(token: second.value, now: used)?.id == "cafe01")
        // The file is kept, byte for byte, under a name that is not imported again; the old lock file goes.
        #expect(!FileManager.default.fileExists(atPath: directory.tokensFile.path))
        let kept = try String(contentsOfFile: directory.tokensFile.path + ".migrated", encoding: .utf8)
        #expect(kept == text)
        #expect(!FileManager.default.fileExists(atPath: directory.url.appendingPathComponent("tokens.lock").path))
        #expect(try directory.databaseBytes().contains(try first.sha256Hex()), "in the SQLite file itself")

        // The next start reads the database: a revoke stays a revoke.
        #expect(try store.revoke(id: "0badf00d"))
        let restarted = try AccessTokenStore(directory: directory.url)
        #expect(try restarted.list().map(\.id) == ["cafe01"])
        #expect(restarted.verify(token: first.value, now: used) == nil)
    }

    @Test func anImportCutOffBeforeTheRenameAddsNothingTwice() throws {
        let directory = try StateDirectory()
        let first = try AccessToken.generate()
        let second = try AccessToken.generate()
        let text = try olderFile(first, second)
        try directory.write(text)
        let store = try AccessTokenStore(directory: directory.url)
        let later = used.addingTimeInterval(3600)
        _ = store.verify(token: first.value, now: later)
        try store.flush()
        // As if the agent had died after the import's commit and before the rename.
        try directory.write(text)
        let restarted = try AccessTokenStore(directory: directory.url)
        let records = try restarted.list()
        #expect(records.map(\.id) == ["0badf00d", "cafe01"])
        #expect(records.first?.lastUsedAt == later, "the database's newer record is kept")
        #expect(!FileManager.default.fileExists(atPath: directory.tokensFile.path))
    }

    @Test func aFileTheDatabaseRefusesImportsNothingAndIsLeftInPlace() throws {
        let directory = try StateDirectory()
        let present = try AccessTokenStore(directory: directory.url).issue(label: "already here", now: created)
        let hash = try AccessToken(value: present.token).sha256Hex()
        let fresh = try AccessToken.generate().sha256Hex()
        // Two ids with one hash: the schema's UNIQUE constraint refuses the second.
        let text = #"{"format":1,"tokens":[{"id":"aa01","label":"new","sha256":"\#(fresh)","createdAt":"2026-11-18T10:00:00Z"},{"id":"aa02","label":"twin","sha256":"\#(hash)","createdAt":"2026-11-18T10:00:00Z"}]}"#
        try directory.write(text)
        let error = #expect(throws: AccessTokenStoreError.self) { try AccessTokenStore(directory: directory.url) }
        #expect(error?.description.contains("UNIQUE constraint failed") == true, "\(String(describing: error))")
        #expect(try directory.contents() == text)
        let database = try JobStore.open(path: directory.databaseFile.path)
        #expect(try AccessTokenStore(database: database).list().map(\.id) == [present.id], "one transaction: none of the file")
    }

    @Test func theDaemonsDatabaseImportsToo() throws {
        let directory = try StateDirectory()
        let first = try AccessToken.generate()
        try directory.write(try olderFile(first, try AccessToken.generate()))
        let database = try JobStore.open(path: directory.databaseFile.path)
        let store = try AccessTokenStore(database: database, importingFrom: directory.url)
        #expect(store.verify(token: first.value, now: used)?.label == "Cura on the desk")
        #expect(try database.pairedClients().count == 2)
    }
}
