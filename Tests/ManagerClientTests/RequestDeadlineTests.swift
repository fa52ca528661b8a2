import Endpoint
import NIOCore
import Testing
@testable import ManagerClient
import ThreeDPProtocol

/// How long the client waits for each request: console lines that hold a long command wait for the printer.
@Suite struct RequestDeadlineTests {
    static let ordinary = TimeAmount.seconds(30)
    static let long = TimeAmount.seconds(30) + AgentSession.longCommandTimeout

    @Test(arguments: [
        (["M105"], ordinary),
        (["G1 X10 F3000", "M104 S200"], ordinary),
        (["M109 S50"], long),
        (["m190 s60"], long),
        (["  G28"], long),
        (["G29"], long),
        (["M104 S200", "M400"], long),
        (["M1090"], ordinary),
        (["G280"], ordinary),
    ])
    func consoleLines(lines: [String], expected: TimeAmount) async throws {
        try await AgentSession.with(url: try AgentURL(parsing: "http://127.0.0.1:1"), accessToken: nil) { session in
            let params: [String: JSONValue] = ["serviceId": .string("vp1"), "lines": .array(lines.map { .string($0) })]
            #expect(session.timeout(for: "printer.gcode", params: params) == expected)
        }
    }

    @Test func aPollWaitsItsOwnTimeOnTopAndOtherMethodsTheOrdinaryTime() async throws {
        try await AgentSession.with(url: try AgentURL(parsing: "http://127.0.0.1:1"), accessToken: nil,
                                    requestTimeout: .seconds(5)) { session in
            #expect(session.timeout(for: "events.poll", params: ["timeoutSeconds": .integer(20)]) == .seconds(25))
            #expect(session.timeout(for: "events.poll", params: ["timeoutSeconds": .integer(600)]) == .seconds(65))
            #expect(session.timeout(for: "printer.status", params: [:]) == .seconds(5))
            #expect(session.timeout(for: "printer.gcode", params: ["lines": .array([.string("G28")])])
                    == .seconds(5) + AgentSession.longCommandTimeout)
        }
    }
}
