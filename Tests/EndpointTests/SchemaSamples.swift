import Endpoint
@testable import ThreeDPProtocol

/// Hand-written params and results for every 3DP-1 method and callback, from /work/notes/api.md: each must pass
/// the schema, and each mutation of them must not.
enum SchemaSamples {
    static let reading: JSONValue = ["actual": 60.2, "target": 60]
    static let nozzle: JSONValue = ["index": 0, "actual": 210.4, "target": .null]

    static let job: JSONValue = [
        "jobId": "j-17", "serviceId": "prusa-mk3s.0", "order": 1, "name": "benchy.gcode",
        "contentUri": "https://content.example/jobs/17", "state": "printing", "message": "printing layer 12",
        "progress": 0.25, "confirmedLines": 2_500, "totalLines": 10_000, "lastConfirmedFileLine": 2_731,
        "contentServer": "https://content.example", "bytesDownloaded": 613_402, "contentSize": 613_402,
        "createdAt": "2026-11-21T10:00:00.123+0100", "startedAt": "2026-11-21T10:02:00+0100", "finishedAt": .null,
        "stage": "printing", "slicing": .null,
        "printing": ["elapsedSeconds": 120, "remainingSeconds": 1430, "currentLayer": 12, "layerCount": 150],
        "print": [
            "slicer": "PrusaSlicer", "slicerVersion": "2.5.0", "estimatedSeconds": 1550, "filamentMillimetres": 765.4,
            "filamentGrams": 2.28, "layerCount": 150,
            "thumbnail": ["width": 16, "height": 16, "mediaType": "image/png", "base64": "iVBORw0KGgo="],
        ],
    ]

    static let slicingJob: JSONValue = job
        .setting("/state", to: "slicing").setting("/stage", to: "slicing").setting("/print", to: .null).setting("/printing", to: .null)
        .setting("/slicing", to: ["progress": 0.42, "stage": "Infilling layers", "slicer": "PrusaSlicer 2.5.0"])

    static let finishedJob: JSONValue = job
        .setting("/order", to: 0).setting("/state", to: "completed").setting("/progress", to: 1)
        .setting("/finishedAt", to: "2026-11-21T11:40:00-0000")

    static let printerStatus: JSONValue = [
        "serviceId": "prusa-mk3s.0", "state": "printing", "nozzles": [nozzle], "bed": reading, "chamber": .null,
        "job": job, "preparing": slicingJob, "queuedJobs": 2, "queueHold": .null, "measuredAt": "2026-11-21T10:05:00.5+0100", "timestampFromAgent": true,
        "reportedAt": "2026-11-21T10:05:00.512+0100",
    ]

    static let callbacks: [String: JSONValue] = [
        "printer.status": printerStatus.setting("/stateDetail", to: "heating"),
        "printer.temperature": [
            "serviceId": "prusa-mk3s.0", "nozzles": [nozzle, ["index": 1, "actual": 25, "target": 0]],
            "bed": .null, "chamber": reading, "measuredAt": "2026-11-21T10:05:00Z",
        ],
        "job.progress": [
            "serviceId": "prusa-mk3s.0", "jobId": "j-17", "progress": 0.5, "confirmedLines": 5_000,
            "totalLines": 10_000, "lastConfirmedFileLine": 5_400, "bytesDownloaded": 613_402, "contentSize": 613_402,
            "stage": "slicing", "slicing": ["progress": 0.42, "stage": "walls and skins 13/100", "slicer": "CuraEngine 4.13.0"],
            "printing": .null,
        ],
        "job.state": ["serviceId": "prusa-mk3s.0", "job": finishedJob],
        "queue.changed": ["serviceId": "prusa-mk3s.0", "queue": [job, slicingJob.setting("/order", to: 2)]],
        "printer.error": ["serviceId": "prusa-mk3s.0", "kind": "thermalRunaway", "message": "bed heater", "at": "2026-11-21T10:06:00+0100"],
        "printer.message": ["serviceId": "prusa-mk3s.0", "kind": "display", "text": "Layer 12", "at": "2026-11-21T10:06:01-0000"],
    ]

    static let methods: [String: (params: JSONValue, result: JSONValue)] = [
        "service.discover": ([:], [
            "agent": ["name": "3dp-agent", "version": "0.3.0", "apiVersion": "1.0", "systemId": "b827eb123456"],
            "services": [["serviceId": "prusa-mk3s.0", "name": "Prusa i3 MK3S", "online": true, "state": "idle", "port": "/dev/ttyACM0"]],
        ]),
        "pairing.begin": (["clientName": "Workshop Manager"], ["expiresInSeconds": 300, "displayedOn": ["prusa-mk3s.0"]]),
        "pairing.complete": (["code": "042917", "clientName": "Workshop Manager"], ["accessToken": "t0k3n", "clientId": "c-1",
                              "certificateFingerprint": .string(Array(repeating: "3A", count: 32).joined(separator: ":"))]),
        "session.authenticate": (["accessToken": "t0k3n"], ["clientId": "c-1"]),
        "agent.time": ([:], [
            "time": "2026-11-21T10:00:00.123+0100", "utcOffset": "+0100", "zoneKnown": true, "synchronised": true,
            "maxErrorMicroseconds": 16_000, "estimatedErrorMicroseconds": 500,
        ]),
        "printer.info": (["serviceId": "prusa-mk3s.0"], [
            "productName": "Original Prusa i3 MK3S", "manufacturer": "Prusa Research", "modelNumber": "MK3S",
            "firmwareRevision": "3.13.2", "serialNumber": "", "softwareRevision": "0.3.0", "hardwareRevision": "",
            "partNumber": "", "protocolRevision": "1.0", "systemId": "b827eb123456",
        ]),
        "printer.attributes": (["serviceId": "prusa-mk3s.0"], [
            "printerType": "FFF",
            "printSize": ["x": 250, "y": 210, "z": 210, "unit": "mm", "source": "config"],
            "network": [
                ["name": "eth0", "macAddress": "b8:27:eb:12:34:56", "up": true, "addresses": ["192.168.1.20/24", "fe80::ba27:ebff:fe12:3456/64"]],
                ["name": "lo", "macAddress": .null, "up": true, "addresses": ["127.0.0.1/8", "::1/128"]],
            ],
            "memory": ["totalBytes": 1_000_000_000, "availableBytes": 600_000_000],
            "storage": ["path": "/var/lib/3dp-agent", "totalBytes": 32_000_000_000, "availableBytes": 20_000_000_000],
        ]),
        "printer.status": (["serviceId": "prusa-mk3s.0"], printerStatus),
        "events.subscribe": (
            ["serviceId": "prusa-mk3s.0", "topics": ["printer.status", "job.progress"]],
            ["subscriptionId": "s-1", "topics": ["printer.status", "job.progress"], "serviceIds": ["prusa-mk3s.0"]]
        ),
        "events.unsubscribe": (["subscriptionId": "s-1"], ["subscriptionId": "s-1"]),
        "events.poll": (["subscriptionId": "s-1", "timeoutSeconds": 60], ["callbacks": [
            ["jsonrpc": "2.0", "dwapiversion": "1.0", "id": "cb-1", "callbackId": "job.progress", "result": callbacks["job.progress"]!],
            ["jsonrpc": "2.0", "dwapiversion": "1.0", "id": "cb-2", "callbackId": "printer.error", "result": callbacks["printer.error"]!],
        ]]),
        "print.start": (
            ["serviceId": "prusa-mk3s.0", "contentServer": "https://content.example", "token": "q8Zr-4_tM~x.y+z/0=="],
            ["job": job.setting("/state", to: "queued").setting("/name", to: "").setting("/bytesDownloaded", to: 0)
                .setting("/contentSize", to: 0), "queue": [job]]
        ),
        "content.servers": ([:], ["servers": [["name": "Example content", "url": "https://content.example", "tls": true]]]),
        "history.list": (["serviceId": "prusa-mk3s.0", "limit": 20], ["jobs": [finishedJob]]),
        "queue.list": (["serviceId": "prusa-mk3s.0", "include": "all"], ["jobs": [job, finishedJob]]),
        "queue.remove": (["serviceId": "prusa-mk3s.0", "jobId": "j-16"], ["job": finishedJob, "queue": [job]]),
        "print.pause": (["jobId": "j-17"], ["job": job.setting("/state", to: "paused"), "queue": [job.setting("/state", to: "paused")]]),
        "print.resume": (["serviceId": "prusa-mk3s.0"], ["job": job, "queue": [job]]),
        "print.stop": (["jobId": "j-17"], ["job": finishedJob.setting("/state", to: "cancelled"), "queue": []]),
        "printer.gcode": (["serviceId": "prusa-mk3s.0", "lines": ["M105", "G28 X"]], ["responses": [
            ["line": "M105", "replies": ["ok T:210.4 /0.0 B:60.2 /60.0"]],
            ["line": "G28 X", "replies": ["ok"]],
        ]]),
        "printer.emergencyStop": (["serviceId": "prusa-mk3s.0"], ["state": "halted"]),
    ]
}
