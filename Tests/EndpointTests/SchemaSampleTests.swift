import Endpoint
import Testing
@testable import ThreeDPProtocol
@testable import ThreeDPSchemaValidation

@Suite("3DP-1 schema: sample params, results and callbacks")
struct SchemaSampleTests {
    static let methods = SchemaSamples.methods.keys.sorted()
    static let topics = CallbackTopic.allCases.map(\.rawValue)

    @Test func samplesCoverEveryMethod() {
        #expect(Self.methods == ThreeDPSchema.methodNames)
        #expect(Set(SchemaSamples.callbacks.keys) == Set(Self.topics))
    }

    @Test(arguments: methods)
    func sampleParamsAndResultPass(_ method: String) {
        let sample = SchemaSamples.methods[method]!
        #expect(ThreeDPSchema.validateParams(method: method, sample.params).map(\.description) == [])
        #expect(ThreeDPSchema.validateResult(method: method, sample.result).map(\.description) == [])
        let request: JSONValue = ["jsonrpc": "2.0", "dwapiversion": "1.0", "id": "r-1", "method": .string(method), "params": sample.params]
        #expect(ThreeDPSchema.validateMessage("request", request).map(\.description) == [])
        let response: JSONValue = ["jsonrpc": "2.0", "dwapiversion": "1.0", "id": "r-1", "result": sample.result]
        #expect(ThreeDPSchema.validateMessage("response", response).map(\.description) == [])
    }

    @Test(arguments: topics)
    func sampleCallbackPasses(_ topic: String) {
        let result = SchemaSamples.callbacks[topic]!
        #expect(ThreeDPSchema.validateCallback(topic: topic, result).map(\.description) == [])
        let message: JSONValue = ["jsonrpc": "2.0", "dwapiversion": "1.0", "id": "cb-9", "callbackId": .string(topic), "result": result]
        #expect(ThreeDPSchema.validateMessage("callback", message).map(\.description) == [])
    }

    @Test(arguments: [
        ("pairing.begin", [:]), ("events.subscribe", [:]), ("queue.list", [:]), ("events.poll", ["subscriptionId": "s"]),
        ("pairing.complete", ["code": "000000"]), ("print.stop", ["serviceId": "p"]),
    ] as [(String, JSONValue)])
    func optionalParamsMayBeLeftOut(_ method: String, _ params: JSONValue) {
        #expect(ThreeDPSchema.validateParams(method: method, params).map(\.description) == [])
    }

    struct Mutation: Sendable, CustomTestStringConvertible {
        /// A method name for its params ("params") or result ("result"), or a topic ("callback").
        var name: String
        var part: String
        var pointer: String
        /// nil removes the member.
        var value: JSONValue?
        /// The failure, exactly.
        var failure: String
        var testDescription: String { "\(name) \(part) \(pointer) → \(value?.compactDescription ?? "removed")" }

        var sample: JSONValue {
            switch part {
            case "params": SchemaSamples.methods[name]!.params
            case "result": SchemaSamples.methods[name]!.result
            default: SchemaSamples.callbacks[name]!
            }
        }

        func validate(_ value: JSONValue) -> [SchemaFailure] {
            switch part {
            case "params": ThreeDPSchema.validateParams(method: name, value)
            case "result": ThreeDPSchema.validateResult(method: name, value)
            default: ThreeDPSchema.validateCallback(topic: name, value)
            }
        }
    }

    static let mutations: [Mutation] = [
        // Missing required members.
        Mutation(name: "service.discover", part: "result", pointer: "/services/0/online", value: nil,
                 failure: #"/services/0: missing required member "online""#),
        Mutation(name: "printer.info", part: "result", pointer: "/partNumber", value: nil,
                 failure: #"(root): missing required member "partNumber""#),
        Mutation(name: "printer.status", part: "result", pointer: "/job/createdAt", value: nil,
                 failure: #"/job: missing required member "createdAt""#),
        Mutation(name: "job.state", part: "callback", pointer: "/job/state", value: nil,
                 failure: #"/job: missing required member "state""#),
        Mutation(name: "printer.gcode", part: "params", pointer: "/lines", value: nil,
                 failure: #"(root): missing required member "lines""#),
        // Wrong enums and consts.
        Mutation(name: "service.discover", part: "result", pointer: "/services/0/state", value: "ready",
                 failure: #"/services/0/state: expected one of "connecting", "idle", "printing", "pausing", "paused", "cancelling", "halted", "disconnected", got "ready""#),
        Mutation(name: "queue.list", part: "result", pointer: "/jobs/1/state", value: "done",
                 failure: #"/jobs/1/state: expected one of "queued", "downloading", "slicing", "ready", "printing", "paused", "completed", "failed", "cancelled", "interrupted", got "done""#),
        Mutation(name: "printer.error", part: "callback", pointer: "/kind", value: "overheated",
                 failure: #"/kind: expected one of "halted", "thermalRunaway", "heaterFault", "linkLost", "controllerReset", "jobFailed", "cancelEscalated", got "overheated""#),
        Mutation(name: "printer.attributes", part: "result", pointer: "/printSize/unit", value: "inch",
                 failure: #"/printSize/unit: expected "mm", got "inch""#),
        Mutation(name: "events.subscribe", part: "params", pointer: "/topics/1", value: "job.progres",
                 failure: #"/topics/1: expected one of "printer.status", "printer.temperature", "job.progress", "job.state", "queue.changed", "printer.error", "printer.message", got "job.progres""#),
        // Bad time stamps.
        Mutation(name: "agent.time", part: "result", pointer: "/time", value: "2026-11-21 10:00:00+0100",
                 failure: #"/time: "2026-11-21 10:00:00+0100" does not match ^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?([+-]\d{4}|Z)$"#),
        Mutation(name: "printer.status", part: "result", pointer: "/measuredAt", value: "2026-11-21T10:05:00+01:00",
                 failure: #"/measuredAt: "2026-11-21T10:05:00+01:00" does not match ^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?([+-]\d{4}|Z)$"#),
        Mutation(name: "printer.message", part: "callback", pointer: "/at", value: "2026-11-21T10:06:01-0000\n",
                 failure: #"/at: "2026-11-21T10:06:01-0000\n" does not match ^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?([+-]\d{4}|Z)$"#),
        Mutation(name: "queue.changed", part: "callback", pointer: "/queue/0/startedAt", value: "yesterday",
                 failure: #"/queue/0/startedAt: "yesterday" does not match ^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?([+-]\d{4}|Z)$"#),
        Mutation(name: "agent.time", part: "result", pointer: "/utcOffset", value: "+01:00",
                 failure: #"/utcOffset: "+01:00" does not match ^[+-]\d{4}$"#),
        // Extra params are refused.
        Mutation(name: "printer.status", part: "params", pointer: "/verbose", value: true,
                 failure: "/verbose: unexpected member (not allowed here)"),
        Mutation(name: "service.discover", part: "params", pointer: "/filter", value: "all",
                 failure: "/filter: unexpected member (not allowed here)"),
        // Ranges, lengths, types.
        Mutation(name: "events.poll", part: "params", pointer: "/timeoutSeconds", value: 61,
                 failure: "/timeoutSeconds: expected at most 60, got 61"),
        Mutation(name: "pairing.complete", part: "params", pointer: "/code", value: "04291",
                 failure: #"/code: "04291" does not match ^\d{6}$"#),
        Mutation(name: "pairing.begin", part: "params", pointer: "/clientName", value: "",
                 failure: "/clientName: expected at least 1 characters, got 0"),
        Mutation(name: "printer.gcode", part: "params", pointer: "/lines/0", value: .string(String(repeating: "G", count: 97)),
                 failure: "/lines/0: expected at most 96 characters, got 97"),
        Mutation(name: "events.subscribe", part: "params", pointer: "/topics/1", value: "printer.status",
                 failure: "/topics: items 0 and 1 are equal, items must be unique"),
        Mutation(name: "printer.status", part: "params", pointer: "/serviceId", value: "printer one",
                 failure: #"/serviceId: "printer one" does not match ^[A-Za-z0-9._-]{1,64}$"#),
        Mutation(name: "printer.status", part: "result", pointer: "/nozzles/0/index", value: .number(0.5),
                 failure: "/nozzles/0/index: expected integer, got number"),
        Mutation(name: "printer.status", part: "result", pointer: "/bed/target", value: "60",
                 failure: "/bed/target: expected number or null, got string"),
        Mutation(name: "printer.temperature", part: "callback", pointer: "/chamber", value: 40,
                 failure: "/chamber: matches none of the 2 alternatives: [0] /chamber: expected object, got integer; [1] /chamber: expected null, got integer"),
        Mutation(name: "job.progress", part: "callback", pointer: "/progress", value: .number(1.5),
                 failure: "/progress: expected at most 1, got 1.5"),
        Mutation(name: "print.pause", part: "params", pointer: "/serviceId", value: "prusa-mk3s.0",
                 failure: "(root): matches 2 alternatives (0, 1), exactly one is allowed"),
        Mutation(name: "session.authenticate", part: "result", pointer: "/clientId", value: .null,
                 failure: "/clientId: expected string, got null"),
    ]

    @Test(arguments: mutations)
    func mutatedSampleFails(_ mutation: Mutation) {
        let failures = mutation.validate(mutation.sample.setting(mutation.pointer, to: mutation.value))
        #expect(failures.map(\.description) == [mutation.failure])
        #expect(failures.allSatisfy { $0.kind == .instance })
    }

    @Test func resultsMayGrowNewMembers() {
        let grown = SchemaSamples.methods["printer.status"]!.result.setting("/fanSpeed", to: 0.5)
        #expect(ThreeDPSchema.validateResult(method: "printer.status", grown) == [])
    }

    @Test func callbackMessageIsCheckedByItsTopic() {
        let wrongShape: JSONValue = ["jsonrpc": "2.0", "dwapiversion": "1.0", "id": "cb-1", "callbackId": "printer.error",
                                     "result": SchemaSamples.callbacks["printer.message"]!]
        #expect(ThreeDPSchema.validateMessage("callback", wrongShape).map(\.description) == [
            #"/result/kind: expected one of "halted", "thermalRunaway", "heaterFault", "linkLost", "controllerReset", "jobFailed", "cancelEscalated", got "display""#,
            #"/result: missing required member "message""#,
        ])
    }

    @Test func requestParamsAreCheckedByItsMethod() {
        let request: JSONValue = ["jsonrpc": "2.0", "dwapiversion": "1.0", "id": "r-1", "method": "printer.info", "params": [:]]
        #expect(ThreeDPSchema.validateMessage("request", request).map(\.description) == [
            #"/params: missing required member "serviceId""#,
        ])
    }

    @Test func responseHasResultOrErrorNeverBoth() {
        let error: JSONValue = ["jsonrpc": "2.0", "dwapiversion": "1.0", "id": .null, "error": ["code": -32700, "message": "parse error"]]
        #expect(ThreeDPSchema.validateMessage("response", error) == [])
        let both = error.setting("/id", to: "r-1").setting("/result", to: [:])
        #expect(ThreeDPSchema.validateMessage("response", both).map(\.description) == [
            "(root): matches 2 alternatives (0, 1), exactly one is allowed",
        ])
        let nullIdResult = error.setting("/error", to: nil).setting("/result", to: [:])
        #expect(!ThreeDPSchema.validateMessage("response", nullIdResult).isEmpty)
    }

    @Test func checkTakesAReference() {
        let status = SchemaSamples.methods["printer.status"]!.result
        #expect(ThreeDPSchema.check(status, against: "#/methods/printer.status/result") == [])
        #expect(ThreeDPSchema.check(status.setting("/state", to: 1), against: "#/methods/printer.status/result").count == 2)
    }
}
