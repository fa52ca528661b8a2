import Agent
import Endpoint
import Foundation
import Jobs
import Testing
import ThreeDPProtocol
import VirtualPrinter

/// The daemon over real loopback HTTP, driving the virtual printer over a pty: pairing, the access gate, every
/// method's answer (checked against the served schema) and its error paths.
@Suite(.serialized, .timeLimit(.minutes(3)))
struct EndpointOverHTTPTests {
    @Test func pairingShowsTheCodeOnThePrintersDisplayAndTheTokenOpensTheMethods() async throws {
        try await AgentUnderTest.with { agent in

            #expect(try await agent.errorCode("printer.status", ["serviceId": "vp1"]) == JSONRPCError.privilegeNotGrantedCode)
            let begun = try await agent.result("pairing.begin", ["clientName": "my phone"])
            #expect(begun["displayedOn"] == .array(["vp1"]))
            #expect(begun["expiresInSeconds"]?.intValue ?? 0 > 100)
            let display = try #require(agent.printer.displayMessage)
            #expect(display.hasPrefix("Pairing code "))
            let code = String(display.suffix(6))
            #expect(code.allSatisfy { $0.isNumber })

            let grant = try await agent.result("pairing.complete", ["code": .string(code), "clientName": "my phone"])
            let token = try #require(grant["accessToken"]?.stringValue)
            #expect(token.hasPrefix("3dp_"))
            let status = try await agent.result("printer.status", ["serviceId": "vp1"], token: token)
            #expect(status["state"] == "idle")

            // A code works once.
            #expect(try await agent.errorCode("pairing.complete", ["code": .string(code)]) == JSONRPCError.invalidOperationCode)
            // The database holds its hash, never the token.
            let database = agent.stateDirectory.appendingPathComponent("queue.sqlite")
            let stored = try Data(contentsOf: database) + Data(contentsOf: URL(fileURLWithPath: database.path + "-wal"))
            let hash = try AccessToken(value: token).sha256Hex()
            #expect(stored.range(of: Data(hash.utf8)) != nil)
            #expect(stored.range(of: Data(token.utf8)) == nil)
            #expect(stored.range(of: Data(token.dropFirst(4).utf8)) == nil)
        }
    }

    @Test func neitherTheTokenNorTheCodeIsLoggedBeyondTheCodesOneAnnouncement() async throws {
        let logs = CapturedLogs()
        try await AgentUnderTest.with(logs: logs) { agent in
            let token = try await agent.pair()
            _ = try await agent.result("printer.gcode", ["serviceId": "vp1", "lines": ["M117 done"]], token: token)
            let lines = logs.all
            #expect(lines.count > 10, "trace logging is on: the link logs every line")
            #expect(!lines.contains { $0.contains(token) })
            let announcements = lines.filter { $0.contains("pairing code") }
            #expect(announcements.count == 1)
            let code = try #require(announcements.first?.split(separator: " ").first { $0.count == 6 && $0.allSatisfy(\.isNumber) })
            #expect(lines.filter { $0.contains(code) }.count == 1, "the code appears only in its announcement")
        }
    }

    @Test func fiveWrongCodesLockPairing() async throws {
        try await AgentUnderTest.with { agent in
            _ = try await agent.result("pairing.begin")
            let right = String(try #require(agent.printer.displayMessage).suffix(6))
            let wrong = right == "000000" ? "111111" : "000000"
            var codes: [Int?] = []
            for _ in 0..<5 { codes.append(try await agent.errorCode("pairing.complete", ["code": .string(wrong)])) }
            #expect(codes.prefix(4).allSatisfy { $0 == JSONRPCError.authenticationDeniedCode })
            #expect(codes.last == JSONRPCError.pairingLockedCode)
            // Locked: even the right code and a new begin are refused for a minute.
            #expect(try await agent.errorCode("pairing.complete", ["code": .string(right)]) == JSONRPCError.pairingLockedCode)
            let locked = try await agent.call("pairing.begin")
            #expect(locked["error"]?["code"]?.intValue == JSONRPCError.pairingLockedCode)
            #expect(locked["error"]?["data"]?["retryAfterSeconds"]?.intValue ?? 0 > 0)
        }
    }

    @Test func everyMethodButDiscoveryPairingAndTimeNeedsAValidToken() async throws {
        try await AgentUnderTest.with { agent in
            let gated = ["printer.info", "printer.attributes", "printer.status", "events.subscribe", "queue.list",
                         "print.pause", "print.resume", "print.stop", "printer.gcode", "printer.emergencyStop",
                         "events.poll", "events.unsubscribe"]
            for method in gated {
                #expect(try await agent.errorCode(method, ["serviceId": "vp1"]) == JSONRPCError.privilegeNotGrantedCode, "\(method)")
                #expect(try await agent.errorCode(method, ["serviceId": "vp1"], token: "3dp_not-a-token")
                        == JSONRPCError.authenticationFailedCode, "\(method)")
            }
            _ = try await agent.result("service.discover")
            _ = try await agent.result("agent.time")
            #expect(agent.printer.isHalted == false, "no gated call reached the printer")
        }
    }

    @Test func discoveryInfoAttributesStatusAndTimeDescribeThePrinterAndTheBoard() async throws {
        try await AgentUnderTest.with { agent in
            let token = agent.harnessToken

            let discovery = try await agent.result("service.discover")
            #expect(discovery["agent"]?["apiVersion"] == "1.0")
            #expect(discovery["agent"]?["name"] == "3dp-agent on test-board")
            let service = try #require(discovery["services"]?[0])
            #expect(service["serviceId"] == "vp1")
            #expect(service["online"] == true)
            #expect(service["state"] == "idle")

            let info = try await agent.result("printer.info", ["serviceId": "vp1"], token: token)
            #expect(info["firmwareRevision"]?.stringValue?.contains("Marlin") == true)
            #expect(info["productName"]?.stringValue?.isEmpty == false)
            #expect(info["partNumber"] == "", "unknown fields are empty strings")

            let attributes = try await agent.result("printer.attributes", ["serviceId": "vp1"], token: token)
            #expect(attributes["printerType"] == "FFF")
            // The virtual printer answers M211 in Marlin 2.1's two lines (issue 10: a real 2.1 gave "print size unknown").
            #expect(attributes["printSize"]?["source"] == "firmware", "the virtual printer reports M211")
            let size = ["x", "y", "z"].map { attributes["printSize"]?[$0]?.doubleValue }
            #expect(size == [220, 220, 250], "\(attributes)")
            #expect(attributes["memory"]?["totalBytes"]?.intValue ?? 0 > 0)

            let status = try await agent.result("printer.status", ["serviceId": "vp1"], token: token)
            #expect(status["nozzles"]?[0]?["actual"] != nil)
            #expect(status["job"] == .null)
            #expect(status["timestampFromAgent"] == true)

            let time = try await agent.result("agent.time")
            #expect(time["time"]?.stringValue?.hasSuffix(time["utcOffset"]?.stringValue ?? "?") == true)
        }
    }

    @Test func wrongInputGetsTheRightErrorCode() async throws {
        try await AgentUnderTest.with { agent in
            let token = agent.harnessToken
            #expect(try await agent.errorCode("printer.info", ["serviceId": "nope"], token: token) == JSONRPCError.noServiceCode)
            #expect(try await agent.errorCode("printer.info", ["serviceId": "vp1", "verbose": true], token: token) == JSONRPCError.invalidParamsCode)
            #expect(try await agent.errorCode("printer.melt", [:], token: token) == JSONRPCError.methodNotFoundCode)
            #expect(try await agent.errorCode("print.pause", ["serviceId": "vp1"], token: token) == JSONRPCError.invalidOperationCode)
            #expect(try await agent.errorCode("print.stop", ["jobId": "job-000000000000"], token: token) == JSONRPCError.jobNotFoundCode)

            let notJSON = try await agent.post(Array(#"{"jsonrpc":"2.0","#.utf8), token: token)
            #expect(notJSON.json?["error"]?["code"]?.intValue == JSONRPCError.parseErrorCode)
            let numericID = try await agent.post(Array(#"{"jsonrpc":"2.0","dwapiversion":"1.0","id":7,"method":"agent.time","params":{}}"#.utf8))
            #expect(numericID.json?["error"]?["code"]?.intValue == JSONRPCError.invalidRequestCode)
            let deep = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
            let tooDeep = try await agent.post(Array(#"{"jsonrpc":"2.0","dwapiversion":"1.0","id":"d","method":"agent.time","params":{"x":\#(deep)}}"#.utf8))
            #expect(tooDeep.json?["error"]?["code"]?.intValue == JSONRPCError.invalidRequestCode)
            let huge = try await agent.post([UInt8](repeating: UInt8(ascii: " "), count: (1 << 20) + 1))
            #expect(huge.status == 413)

            let batch = try await agent.post(Array(#"""
                [{"jsonrpc":"2.0","dwapiversion":"1.0","id":"a","method":"agent.time","params":{}},
                 {"jsonrpc":"2.0","dwapiversion":"1.0","id":"b","method":"printer.status","params":{"serviceId":"vp1"}},
                 {"jsonrpc":"2.0","dwapiversion":"1.0","id":"c","method":"no.such","params":{}}]
                """#.utf8), token: token)
            let answers = try #require(batch.json?.arrayValue)
            #expect(answers.map { $0["id"]?.stringValue } == ["a", "b", "c"])
            #expect(answers[1]["result"]?["state"] == "idle")
            #expect(answers[2]["error"]?["code"]?.intValue == JSONRPCError.methodNotFoundCode)

            // Nothing of it reached the printer: it is still idle and connected.
            let status = try await agent.result("printer.status", ["serviceId": "vp1"], token: token)
            #expect(status["state"] == "idle")
        }
    }

    @Test func consoleLinesReturnTheFirmwaresReplies() async throws {
        try await AgentUnderTest.with { agent in
            let token = agent.harnessToken
            let answer = try await agent.result("printer.gcode", ["serviceId": "vp1", "lines": ["M105", "M117 hello"]], token: token)
            let replies = try #require(answer["responses"]?[0]?["replies"]?.arrayValue)
            #expect(replies.contains { $0.stringValue?.contains("T:") == true })
            #expect(agent.printer.displayMessage == "hello")
            let tooLong = String(repeating: "G1 X1 ", count: 30)
            #expect(try await agent.errorCode("printer.gcode", ["serviceId": "vp1", "lines": .array([.string(tooLong)])], token: token)
                    == JSONRPCError.invalidParamsCode)
            #expect(try await agent.errorCode("printer.gcode", ["serviceId": "vp1", "lines": ["G28\nG28"]], token: token)
                    == JSONRPCError.invalidParamsCode)
        }
    }

    @Test func theSchemaIsServedAndLongPollingAnswers204WhenNothingHappens() async throws {
        try await AgentUnderTest.with { agent in
            let schema = try await agent.get("/3dp/v1/schema")
            #expect(schema.status == 200)
            #expect(schema.json?["methods"]?["printer.status"] != nil)

            let subscription = try await agent.result("events.subscribe", ["topics": ["printer.error"]], token: agent.harnessToken)
            let id = try #require(subscription["subscriptionId"])
            let request = JSONRPCRequest(id: "p", method: "events.poll", params: ["subscriptionId": id, "timeoutSeconds": 1])
            let empty = try await agent.post(try request.encoded(), token: agent.harnessToken)
            #expect(empty.status == 204)
            #expect(empty.body.isEmpty)
            // Another client cannot poll it.
            let other = try AccessTokenStore(directory: agent.stateDirectory).issue(label: "other", now: Date()).token
            #expect(try await agent.errorCode("events.poll", ["subscriptionId": id, "timeoutSeconds": 0], token: other)
                    == JSONRPCError.invalidParameterCode)
            _ = try await agent.result("events.unsubscribe", ["subscriptionId": id], token: agent.harnessToken)
        }
    }

    @Test func aNewSubscriberGetsTheLatestMeasurementAtOnce() async throws {
        try await AgentUnderTest.with { agent in
            let subscription = try await agent.result("events.subscribe", ["serviceId": "vp1", "topics": ["printer.status", "printer.temperature"]],
                                                      token: agent.harnessToken)
            let started = ContinuousClock.now
            let first = try await agent.poll(try #require(subscription["subscriptionId"]), seconds: 10)
            #expect(ContinuousClock.now - started < .seconds(1), "no wait for the next report")
            let topics = Set(first.compactMap { $0["callbackId"]?.stringValue })
            #expect(topics == ["printer.status", "printer.temperature"])
        }
    }
}
