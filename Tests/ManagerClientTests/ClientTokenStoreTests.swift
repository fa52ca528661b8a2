import Endpoint
import Foundation
import Glibc
import ManagerClient
import Testing
import ThreeDPProtocol

/// The token file: per normalized agent URL, owner-only, replaced whole on every change.
@Suite(.serialized, .timeLimit(.minutes(1)))
struct ClientTokenStoreTests {
    /// A fresh directory for one test, removed afterwards.
    static func withTemporaryDirectory(_ body: (String) throws -> Void) throws {
        var template = Array((NSTemporaryDirectory() + "/client-tokens-XXXXXX").utf8CString)
        let directory = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)) }
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try body(directory)
    }

    static func mode(_ path: String) -> mode_t {
        var status = stat()
        #expect(stat(path, &status) == 0)
        return status.st_mode & 0o777
    }

    static func inode(_ path: String) -> UInt64 {
        var status = stat()
        #expect(stat(path, &status) == 0)
        return UInt64(status.st_ino)
    }

    @Test func savesLoadsAndRemovesByNormalizedURL() throws {
        try Self.withTemporaryDirectory { directory in
            let store = ClientTokenStore(path: directory + "/3dp-agent/client.json")
            let typed = try AgentURL(parsing: "http://Printer.local:8631/")
            try store.save(ClientCredential(accessToken: "3dp_abc", clientId: "c1"), for: typed)
            try store.save(ClientCredential(accessToken: "3dp_other"), for: try AgentURL(parsing: "10.0.0.7"))

            #expect(try store.load(for: try AgentURL(parsing: "printer.local")) == ClientCredential(accessToken: "3dp_abc", clientId: "c1"))
            #expect(try store.readAll().keys.sorted() == ["http://10.0.0.7:8631", "http://printer.local:8631"])
            #expect(try store.load(for: try AgentURL(parsing: "printer.local:9000")) == nil)

            #expect(try store.remove(for: try AgentURL(parsing: "http://printer.local:8631/3dp/v1")))
            #expect(try store.remove(for: typed) == false)
            #expect(try store.load(for: typed) == nil)
            #expect(try store.load(for: try AgentURL(parsing: "10.0.0.7"))?.accessToken == "3dp_other")
        }
    }

    @Test func fileIsOwnerOnlyInAnOwnerOnlyDirectory() throws {
        try Self.withTemporaryDirectory { directory in
            let previous = umask(0)
            defer { umask(previous) }
            let path = directory + "/config/3dp-agent/client.json"
            try ClientTokenStore(path: path).save(ClientCredential(accessToken: "3dp_abc"), for: AgentURL(host: "127.0.0.1"))
            #expect(Self.mode(path) == 0o600)
            #expect(Self.mode(directory + "/config/3dp-agent") == 0o700)
        }
    }

    @Test func everyChangeRenamesANewFileIntoPlaceAndLeavesNoTemporaryFile() throws {
        try Self.withTemporaryDirectory { directory in
            let path = directory + "/client.json"
            let store = ClientTokenStore(path: path)
            try store.save(ClientCredential(accessToken: "3dp_one"), for: AgentURL(host: "a"))
            let first = Self.inode(path)
            // Someone holding the old file open keeps reading the old, whole version.
            let reader = open(path, O_RDONLY)
            defer { close(reader) }
            try store.save(ClientCredential(accessToken: "3dp_two"), for: AgentURL(host: "b"))
            #expect(Self.inode(path) != first)
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["client.json"])

            var old = [UInt8](repeating: 0, count: 4096)
            let count = read(reader, &old, old.count)
            #expect(String(decoding: old[..<max(0, count)], as: UTF8.self).contains("3dp_one"))
            #expect(!String(decoding: old[..<max(0, count)], as: UTF8.self).contains("3dp_two"))
            #expect(try store.readAll().count == 2)
        }
    }

    @Test func aMissingFileHoldsNoTokensAndADamagedOneIsReported() throws {
        try Self.withTemporaryDirectory { directory in
            let path = directory + "/client.json"
            let store = ClientTokenStore(path: path)
            #expect(try store.load(for: AgentURL(host: "a")) == nil)
            try Data("{\"agents\":".utf8).write(to: URL(fileURLWithPath: path))
            #expect(throws: ClientTokenStoreError.self) { try store.load(for: AgentURL(host: "a")) }
            try Data(#"{"version":1,"agents":{"http://a:8631":{}}}"#.utf8).write(to: URL(fileURLWithPath: path))
            #expect(throws: ClientTokenStoreError.self) { try store.readAll() }
        }
    }

    @Test(arguments: [
        (["accessToken": "3dp_abc", "clientId": "c1"] as JSONValue, ClientCredential(accessToken: "3dp_abc", clientId: "c1")),
        (["accessToken": "3dp_abc"] as JSONValue, ClientCredential(accessToken: "3dp_abc")),
        (["accessToken": "", "clientId": "c1"] as JSONValue, nil),
        (["clientId": "c1"] as JSONValue, nil),
    ] as [(JSONValue, ClientCredential?)])
    func credentialFromAPairingResult(_ result: JSONValue, _ expected: ClientCredential?) {
        #expect(ClientCredential(pairingResult: result) == expected)
    }

    @Test(arguments: [
        (["XDG_CONFIG_HOME": "/x/cfg", "HOME": "/home/u"], "/x/cfg/3dp-agent/client.json"),
        (["XDG_CONFIG_HOME": "relative", "HOME": "/home/u"], "/home/u/.config/3dp-agent/client.json"),
        (["HOME": "/home/u"], "/home/u/.config/3dp-agent/client.json"),
        ([:], nil),
    ] as [([String: String], String?)])
    func defaultPathFollowsXDG(_ environment: [String: String], _ expected: String?) {
        #expect(ClientTokenStore.defaultPath(environment: environment) == expected)
    }
}
