import Endpoint
import Foundation
import Testing
import ThreeDPProtocol

/// An agent upgraded over a state directory of an older one: the Managers paired then (in `tokens.json`) are served
/// at the first start, from the database, and the file is kept beside it as `tokens.json.migrated`.
@Suite(.serialized, .timeLimit(.minutes(1)))
struct TokenFileUpgradeTests {
    @Test func aManagerPairedWithAnOlderAgentIsServedAfterTheUpgrade() async throws {
        let token = try AccessToken.generate()
        let file = #"{"format":1,"tokens":[{"id":"0badf00d","label":"Cura","sha256":"\#(token.sha256Hex())","createdAt":"2026-11-18T10:00:00Z"}]}"#
        try await AgentUnderTest.with(prepareState: { state in
            try Data(file.utf8).write(to: state.appendingPathComponent("tokens.json"))
        }) { agent in
            let status = try await agent.result("printer.status", ["serviceId": "vp1"], token: token.value)
            #expect(status["state"] == "idle")
            let state = agent.stateDirectory
            #expect(!FileManager.default.fileExists(atPath: state.appendingPathComponent("tokens.json").path))
            #expect(try String(contentsOf: state.appendingPathComponent("tokens.json.migrated"), encoding: .utf8) == file)
            let clients = try AccessTokenStore(directory: state).list()
            #expect(clients.map(\.id).contains("0badf00d"))
            #expect(clients.first { $0.id == "0badf00d" }?.label == "Cura")
        }
    }
}
