import Endpoint
import Foundation
import ManagerClient
import Testing
import ThreeDPProtocol

/// The terminal forms of results and callbacks, from wire-shaped JSON.
struct RenderingTests {
    static let job: JSONValue = [
        "jobId": "J42", "serviceId": "mk3s", "order": 1, "name": "benchy.gcode", "contentUri": "https://c/benchy",
        "state": "printing", "message": "", "progress": 0.42, "confirmedLines": 1234, "totalLines": 5000,
        "lastConfirmedFileLine": 1300, "createdAt": "2026-11-21T11:50:00+0100", "startedAt": "2026-11-21T11:51:00+0100",
        "finishedAt": nil,
    ]

    static let status: JSONValue = [
        "serviceId": "mk3s", "state": "printing",
        "nozzles": [["index": 0, "actual": 215.04, "target": 215]],
        "bed": ["actual": 60.06, "target": 60], "chamber": nil,
        "job": job, "queuedJobs": 0,
        "measuredAt": "2026-11-21T12:00:01.250+0100", "timestampFromAgent": true, "reportedAt": "2026-11-21T12:00:01.300+0100",
    ]

    @Test func statusLine() {
        #expect(PrinterText.status(Self.status) == "mk3s printing 42.0% line 1234/5000 · nozzle 215.0/215 °C bed 60.1/60 °C")
        var idle = Self.status.objectValue!
        idle["state"] = "halted"
        idle["stateDetail"] = "thermal runaway"
        idle["job"] = nil
        idle["queuedJobs"] = 2
        idle["nozzles"] = [["index": 0, "actual": 24.5, "target": nil], ["index": 1, "actual": 23, "target": 0]]
        idle["bed"] = nil
        #expect(PrinterText.status(.object(idle)) == "mk3s halted (thermal runaway) · nozzle0 24.5 °C nozzle1 23.0/0 °C · 2 queued")
    }

    @Test(arguments: [
        ("printer.status", status, "12:00:01 mk3s printing 42.0% line 1234/5000 · nozzle 215.0/215 °C bed 60.1/60 °C"),
        ("printer.temperature",
         ["serviceId": "mk3s", "nozzles": [["index": 0, "actual": 200, "target": 215.5]], "bed": nil, "chamber": nil,
          "measuredAt": "2026-11-21T12:00:02-0000"] as JSONValue,
         "12:00:02 mk3s nozzle 200.0/215.5 °C"),
        ("job.progress",
         ["serviceId": "mk3s", "jobId": "J42", "progress": 0.5, "confirmedLines": 2500, "totalLines": 5000,
          "lastConfirmedFileLine": 2600] as JSONValue,
         "09:30:00 mk3s job J42 50.0% line 2500/5000"),
        ("job.state", ["serviceId": "mk3s", "job": ["jobId": "J42", "name": "benchy.gcode", "state": "failed",
                                                     "message": "thermal runaway"]] as JSONValue,
         "09:30:00 mk3s job J42 benchy.gcode failed — thermal runaway"),
        ("queue.changed", ["serviceId": "mk3s", "queue": [job, ["jobId": "J43", "state": "queued"]]] as JSONValue,
         "09:30:00 mk3s queue: J42 printing, J43 queued"),
        ("queue.changed", ["serviceId": "mk3s", "queue": []] as JSONValue, "09:30:00 mk3s queue empty"),
        ("printer.error", ["serviceId": "mk3s", "kind": "thermalRunaway", "message": "heater 0 runaway",
                           "at": "2026-11-21T12:00:03Z"] as JSONValue,
         "12:00:03 mk3s ERROR thermalRunaway: heater 0 runaway"),
        ("printer.message", ["serviceId": "mk3s", "kind": "display", "text": "Heating…",
                             "at": "2026-11-21T12:00:04+0100"] as JSONValue,
         "12:00:04 mk3s display: Heating…"),
        ("printer.future", ["b": 1, "a": "x"] as JSONValue, #"09:30:00 printer.future {"a":"x","b":1}"#),
    ] as [(String, JSONValue, String)])
    func callbackLine(_ topic: String, _ result: JSONValue, _ expected: String) {
        let callback = AgentCallback(id: "cb-1", topic: topic, result: result)
        #expect(CallbackText.line(callback, receivedAt: "09:30:00") == expected)
    }

    @Test func callbackCarryingAnErrorSaysSo() {
        let callback = AgentCallback(id: "cb-2", topic: "printer.status",
                                     outcome: .failure(AgentError(code: 11, message: "The type of data requested is not present")))
        #expect(CallbackText.line(callback, receivedAt: "09:30:00")
            == "09:30:00 printer.status: the agent refused: The type of data requested is not present (11)")
        #expect(TerminalText.compactJSON(callback.message)
            == #"{"callbackId":"printer.status","dwapiversion":"1.0","error":{"code":11,"message":"The type of data requested is not present"},"id":"cb-2","jsonrpc":"2.0"}"#)
    }

    @Test func infoLeavesOutWhatThePrinterDidNotSay() {
        let info: JSONValue = [
            "productName": "Original Prusa i3 MK3S", "manufacturer": "Prusa Research", "modelNumber": "MK3S",
            "firmwareRevision": "3.13.2", "serialNumber": "", "softwareRevision": "", "hardwareRevision": "",
            "partNumber": "", "protocolRevision": "", "systemId": "b8:27:eb:01:02:03",
        ]
        #expect(PrinterText.info(info)
            == "Original Prusa i3 MK3S · Prusa Research · model MK3S · firmware 3.13.2 · system b8:27:eb:01:02:03")
    }

    @Test func attributesLine() {
        let attributes: JSONValue = [
            "printerType": "FFF",
            "printSize": ["x": 250, "y": 210, "z": 210, "unit": "mm", "source": "firmware"],
            "network": [["name": "eth0", "macAddress": "b8:27:eb:01:02:03", "up": true, "addresses": ["10.0.0.5/24"]],
                        ["name": "wlan0", "macAddress": nil, "up": false, "addresses": []]],
            "memory": ["totalBytes": 4_080_218_931, "availableBytes": 2_040_109_465],
            "storage": ["path": "/var/spool/3dp", "totalBytes": 31_268_536_320, "availableBytes": 1536],
        ]
        #expect(PrinterText.attributes(attributes)
            == "FFF · 250×210×210 mm (firmware) · memory 1.9 GiB of 3.8 GiB free · storage 1.5 KiB of 29.1 GiB free in /var/spool/3dp · eth0 up 10.0.0.5/24, wlan0 down")
        var unknown = attributes.objectValue!
        unknown["printSize"] = nil
        unknown["network"] = []
        #expect(PrinterText.attributes(.object(unknown)).hasPrefix("FFF · print size unknown · memory"))
    }

    @Test func queueLines() {
        var finished = Self.job.objectValue!
        finished["order"] = 0
        finished["state"] = "completed"
        finished["progress"] = 1
        finished["confirmedLines"] = 5000
        finished["message"] = "done"
        var queued = Self.job.objectValue!
        queued["order"] = 2
        queued["jobId"] = "J43"
        queued["state"] = "queued"
        queued["progress"] = 0
        queued["totalLines"] = 0
        #expect(PrinterText.queue([Self.job, .object(queued), .object(finished)]) == [
            "1. J42 benchy.gcode printing 42.0% line 1234/5000",
            "2. J43 benchy.gcode queued",
            "- J42 benchy.gcode completed 100.0% line 5000/5000 — done",
        ])
        #expect(PrinterText.queue([]) == ["queue empty"])
    }

    @Test func discoveryLines() {
        let result: JSONValue = [
            "agent": ["name": "3dp-agent", "version": "0.3.0", "apiVersion": "1.0", "systemId": "pi-01"],
            "services": [["serviceId": "mk3s", "name": "Prusa MK3S", "online": true, "state": "idle", "port": "/dev/ttyACM0"],
                         ["serviceId": "ender", "name": "Ender 3", "online": false, "state": "disconnected", "port": ""]],
        ]
        #expect(PrinterText.discovery(result) == [
            "3dp-agent 0.3.0 (API 1.0, system pi-01)",
            "  mk3s  Prusa MK3S  online idle  /dev/ttyACM0",
            "  ender  Ender 3  offline disconnected",
        ])
    }

    @Test(arguments: [(215.04, "215.0"), (60.06, "60.1"), (-0.45, "-0.5"), (0, "0.0"), (99.95, "100.0")])
    func oneDecimal(_ value: Double, _ expected: String) {
        #expect(TerminalText.oneDecimal(value) == expected)
    }

    @Test(arguments: [(17, "17 B"), (1024, "1.0 KiB"), (1536, "1.5 KiB"), (5 << 20, "5.0 MiB"), (4_080_218_931, "3.8 GiB")]
          as [(Int64, String)])
    func bytes(_ count: Int64, _ expected: String) {
        #expect(TerminalText.bytes(count) == expected)
    }

    @Test(arguments: [("2026-11-21T12:00:01.250+0100", "12:00:01"), ("2026-11-21T23:59:59Z", "23:59:59"),
                      ("2026-11-21 12:00:01", nil), ("garbage", nil), ("2026-11-21T1x:00:01Z", nil)] as [(String, String?)])
    func clockOfTimestamp(_ timestamp: String, _ expected: String?) {
        #expect(TerminalText.clock(ofTimestamp: timestamp) == expected)
    }

    @Test func clockOfADateInAZone() throws {
        let date = Date(timeIntervalSince1970: 3_600 * 11 + 61)
        #expect(TerminalText.clock(date, in: try #require(TimeZone(identifier: "UTC"))) == "11:01:01")
        #expect(TerminalText.clock(date, in: try #require(TimeZone(secondsFromGMT: -3_600 * 12))) == "23:01:01")
    }
}

/// What a refused request reads like on a terminal.
struct AgentErrorTextTests {
    @Test(arguments: [
        (AgentError(code: 0xF000_0001, message: "The security request supplied …",
                    data: "printer.status needs an access token from pairing"),
         "the agent refused: printer.status needs an access token from pairing (0xF0000001); run `3dp-agent client pair` first"),
        (AgentError(code: 0xF000_0002, message: "The authentication failed"),
         "the agent refused: The authentication failed (0xF0000002); the stored access token no longer counts; run `3dp-agent client pair` again"),
        (AgentError(code: -32602, message: "serviceId must be a string, not a number"),
         "the agent refused: serviceId must be a string, not a number (-32602)"),
        (AgentError(code: 5, message: "No service", data: ["serviceId": "ender"]),
         #"the agent refused: No service {"serviceId":"ender"} (5)"#),
        (AgentError(code: 0x2D00_0401, message: "No job with this id is in the queue."),
         "the agent refused: No job with this id is in the queue (0x2D000401)"),
    ])
    func description(_ error: AgentError, _ expected: String) {
        #expect(error.description == expected)
    }
}
