private typealias S = SchemaBuild

/// The shapes several methods and callbacks share (`$defs`).
extension ThreeDPSchema {
    static let printerStates = ["connecting", "idle", "printing", "pausing", "paused", "cancelling", "halted", "disconnected"]
    static let jobStates = ["queued", "downloading", "slicing", "ready", "printing", "paused", "completed", "failed",
                            "cancelled", "interrupted"]

    /// `$defs` name of each callback's result.
    static let callbackDefinitions: [CallbackTopic: String] = [
        .printerStatus: "PrinterStatus",
        .printerTemperature: "TemperatureReport",
        .jobProgress: "JobProgress",
        .jobState: "JobStateChange",
        .queueChanged: "QueueChange",
        .printerError: "PrinterError",
        .printerMessage: "PrinterMessage",
    ]

    static var definitions: [String: JSONValue] {
        [
            // HD-HLF-06: ISO-8601 with a ±hhmm offset, -0000 when the zone is unknown.
            "Timestamp": S.string(pattern: #"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?([+-]\d{4}|Z)$"#),
            "ServiceId": S.string(pattern: "^[A-Za-z0-9._-]{1,64}$"),
            "ClientName": S.string(minLength: 1, maxLength: 64),
            "CertificateFingerprint": S.string(pattern: CertificateFingerprint.pattern),
            "PrinterState": S.oneOf(printerStates),
            "JobState": S.oneOf(jobStates),
            "Topic": S.oneOf(CallbackTopic.allCases.map(\.rawValue)),
            "Reading": S.result(readingProperties),
            "Nozzle": S.result(readingProperties.merging(["index": S.integer(minimum: 0)]) { _, new in new }),
            "Job": job,
            "ErrorObject": errorObject,
            "CallbackMessage": callbackMessage,
            "PrinterStatus": printerStatus,
            "TemperatureReport": S.result([
                "serviceId": S.ref("ServiceId"),
                "nozzles": S.array(S.ref("Nozzle")),
                "bed": S.nullable(S.ref("Reading")),
                "chamber": S.nullable(S.ref("Reading")),
                "measuredAt": S.ref("Timestamp"),
            ]),
            "JobProgress": S.result([
                "serviceId": S.ref("ServiceId"),
                "jobId": S.string,
                "progress": S.number(minimum: 0, maximum: 1),
                "confirmedLines": S.integer(minimum: 0),
                "totalLines": S.integer(minimum: 0),
                "lastConfirmedFileLine": S.integer(minimum: 0),
                "bytesDownloaded": S.integer(minimum: 0),
                "contentSize": S.integer(minimum: 0),
                "stage": S.ref("JobStage"),
                "slicing": S.nullable(S.ref("JobSlicing")),
                "printing": S.nullable(S.ref("JobPrinting")),
            ]),
            // While the job is on the printer: elapsed and remaining seconds (M73 R, else the slicer's estimate
            // scaled by the progress; null when neither is known) and the layer from 1 (null when unmarked).
            "JobPrinting": S.result([
                "elapsedSeconds": S.integer(minimum: 0),
                "remainingSeconds": S.nullable(S.integer(minimum: 0)),
                "currentLayer": S.nullable(S.integer(minimum: 1)),
                "layerCount": S.nullable(S.integer(minimum: 0)),
            ]),
            // What the job does now: its state, with `printing` for a paused print too.
            "JobStage": S.oneOf(["downloading", "slicing", "printing"] + jobStates.filter {
                !["downloading", "slicing", "printing", "paused"].contains($0) }),
            // A model's slice while the job is `slicing`: 0…1 never going back, and the slicer's own stage text.
            "JobSlicing": S.result([
                "progress": S.number(minimum: 0, maximum: 1),
                "stage": S.string,
                "slicer": S.string,
            ]),
            // What the G-code says about the print (null members where the slicer does not say).
            "PrintInfo": S.result([
                "slicer": S.nullable(S.string),
                "slicerVersion": S.nullable(S.string),
                "estimatedSeconds": S.nullable(S.integer(minimum: 0)),
                "filamentMillimetres": S.nullable(S.number),
                "filamentGrams": S.nullable(S.number),
                "layerCount": S.nullable(S.integer(minimum: 0)),
                "thumbnail": S.nullable(S.result([
                    "width": S.integer(minimum: 1), "height": S.integer(minimum: 1),
                    "mediaType": S.constant("image/png"), "base64": S.string,
                ])),
            ]),
            "JobStateChange": S.result(["serviceId": S.ref("ServiceId"), "job": S.ref("Job")]),
            "QueueChange": S.result(["serviceId": S.ref("ServiceId"), "queue": S.array(S.ref("Job"))]),
            "PrinterError": S.result([
                "serviceId": S.ref("ServiceId"),
                "kind": S.oneOf(["halted", "thermalRunaway", "heaterFault", "linkLost", "controllerReset", "jobFailed",
                                            "cancelEscalated"]),
                "message": S.string,
                "at": S.ref("Timestamp"),
            ]),
            "PrinterMessage": S.result([
                "serviceId": S.ref("ServiceId"),
                "kind": S.oneOf(["display", "notification", "prompt", "action"]),
                "text": S.string,
                "at": S.ref("Timestamp"),
            ]),
        ]
    }

    private static var readingProperties: [String: JSONValue] {
        ["actual": S.number, "target": ["type": ["number", "null"]]]
    }

    private static var job: JSONValue {
        S.result([
            "jobId": S.string,
            "serviceId": S.ref("ServiceId"),
            // The position in its printer's queue from 1; 0 once the job is finished.
            "order": S.integer(minimum: 0),
            "name": S.string,
            "contentUri": S.string,
            "state": S.ref("JobState"),
            "message": S.string,
            "progress": S.number(minimum: 0, maximum: 1),
            "confirmedLines": S.integer(minimum: 0),
            "totalLines": S.integer(minimum: 0),
            "lastConfirmedFileLine": S.integer(minimum: 0),
            // The content server a job came from (null for a local file), and how much of its content is in the
            // spool: contentSize is 0 until the server's selection was read.
            "contentServer": S.nullable(S.string),
            "bytesDownloaded": S.integer(minimum: 0),
            "contentSize": S.integer(minimum: 0),
            "createdAt": S.ref("Timestamp"),
            "startedAt": S.nullable(S.ref("Timestamp")),
            "finishedAt": S.nullable(S.ref("Timestamp")),
            "stage": S.ref("JobStage"),
            "slicing": S.nullable(S.ref("JobSlicing")),
            "print": S.nullable(S.ref("PrintInfo")),
            "printing": S.nullable(S.ref("JobPrinting")),
        ])
    }

    private static var printerStatus: JSONValue {
        S.result([
            "serviceId": S.ref("ServiceId"),
            "state": S.ref("PrinterState"),
            "stateDetail": S.string,
            "nozzles": S.array(S.ref("Nozzle")),
            "bed": S.nullable(S.ref("Reading")),
            "chamber": S.nullable(S.ref("Reading")),
            "job": S.nullable(S.ref("Job")),
            // The job being downloaded or sliced for this printer (its `slicing` shows the slice), or null.
            "preparing": S.nullable(S.ref("Job")),
            "queuedJobs": S.integer(minimum: 0),
            // Why the queue waits for a person (print.resume with the serviceId releases it); null when it runs.
            "queueHold": S.nullable(S.string),
            "measuredAt": S.ref("Timestamp"),
            "timestampFromAgent": S.boolean,
            "reportedAt": S.ref("Timestamp"),
        ], optional: ["stateDetail"])
    }

    private static var errorObject: JSONValue {
        [
            "type": "object",
            "properties": ["code": S.integer, "message": S.string, "data": true],
            "required": ["code", "message"],
            "additionalProperties": false,
        ]
    }

    /// A callback: the envelope, and its `callbackId` picking the shape of `result`.
    private static var callbackMessage: JSONValue {
        let byTopic: [JSONValue] = CallbackTopic.allCases.map { topic in
            S.alternative(when: "callbackId", is: topic.rawValue, then: "result", fits: S.ref(callbackDefinitions[topic]!))
        }
        return [
            "type": "object",
            "properties": S.envelope(["id": S.string, "callbackId": S.ref("Topic"), "result": ["type": "object"]]),
            "required": ["jsonrpc", "dwapiversion", "id", "callbackId", "result"],
            "additionalProperties": false,
            "oneOf": .array(byTopic),
        ]
    }
}
