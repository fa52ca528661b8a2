private typealias S = SchemaBuild

/// Each method's params and result, as /work/notes/api.md gives them.
extension ThreeDPSchema {
    static var methods: [String: (params: JSONValue, result: JSONValue)] {
        let serviceParams = S.params(["serviceId": S.ref("ServiceId")])
        // pause, resume and stop name a job, or a printer whose current job is meant: one of the two.
        let jobControlParams: JSONValue = [
            "type": "object",
            "properties": ["jobId": S.string, "serviceId": S.ref("ServiceId")],
            "additionalProperties": false,
            "oneOf": [["required": ["jobId"]], ["required": ["serviceId"]]],
        ]
        // `job` is null only when print.resume released a held queue rather than a paused job.
        let jobControlResult = S.result(["job": S.nullable(S.ref("Job")), "queue": S.array(S.ref("Job"))])
        let byteCounts = S.result(["totalBytes": S.integer, "availableBytes": S.integer])

        return [
            "service.discover": (S.params(), S.result([
                "agent": S.result(["name": S.string, "version": S.string, "apiVersion": S.constant("1.0"), "systemId": S.string]),
                "services": S.array(S.result([
                    "serviceId": S.ref("ServiceId"),
                    "name": S.string,
                    "online": S.boolean,
                    "state": S.ref("PrinterState"),
                    "port": S.string,
                ])),
            ])),
            "pairing.begin": (
                S.params(["clientName": S.ref("ClientName")], optional: ["clientName"]),
                S.result(["expiresInSeconds": S.integer, "displayedOn": S.array(S.ref("ServiceId"))])
            ),
            "pairing.complete": (
                S.params(["code": S.string(pattern: #"^\d{6}$"#), "clientName": S.ref("ClientName")], optional: ["clientName"]),
                // The fingerprint is null when the endpoint serves plain HTTP (`[endpoint] tls = false`).
                S.result(["accessToken": S.string, "clientId": S.string,
                          "certificateFingerprint": S.nullable(S.ref("CertificateFingerprint"))])
            ),
            "session.authenticate": (S.params(["accessToken": S.string]), S.result(["clientId": S.string])),
            "agent.time": (S.params(), S.result([
                "time": S.ref("Timestamp"),
                "utcOffset": S.string(pattern: #"^[+-]\d{4}$"#),
                "zoneKnown": S.boolean,
                "synchronised": S.boolean,
                "maxErrorMicroseconds": S.integer,
                "estimatedErrorMicroseconds": S.integer,
            ])),
            "printer.info": (serviceParams, S.result([
                "productName": S.string(minLength: 1), "manufacturer": S.string, "modelNumber": S.string,
                "firmwareRevision": S.string, "serialNumber": S.string, "softwareRevision": S.string,
                "hardwareRevision": S.string, "partNumber": S.string, "protocolRevision": S.string, "systemId": S.string,
            ])),
            "printer.attributes": (serviceParams, S.result([
                "printerType": S.constant("FFF"),
                "printSize": S.nullable(S.result([
                    "x": S.number, "y": S.number, "z": S.number,
                    "unit": S.constant("mm"),
                    "source": S.oneOf(["firmware", "config"]),
                ])),
                "network": S.array(S.result([
                    "name": S.string,
                    "macAddress": ["type": ["string", "null"]],
                    "up": S.boolean,
                    // An address with its prefix length: "192.168.1.20/24", "fe80::1/64".
                    "addresses": S.array(S.string(pattern: #"^[0-9A-Fa-f.:]+/\d{1,3}$"#)),
                ])),
                "memory": byteCounts,
                "storage": S.result(["path": S.string, "totalBytes": S.integer, "availableBytes": S.integer]),
            ])),
            "printer.status": (serviceParams, S.ref(callbackDefinitions[.printerStatus]!)),
            "events.subscribe": (
                S.params([
                    "serviceId": S.ref("ServiceId"),
                    "topics": S.array(S.ref("Topic"), minItems: 1, unique: true),
                ], optional: ["serviceId", "topics"]),
                S.result([
                    "subscriptionId": S.string,
                    "topics": S.array(S.ref("Topic")),
                    "serviceIds": S.array(S.ref("ServiceId")),
                ])
            ),
            "events.unsubscribe": (S.params(["subscriptionId": S.string]), S.result(["subscriptionId": S.string])),
            "events.poll": (
                S.params(["subscriptionId": S.string, "timeoutSeconds": S.integer(minimum: 0, maximum: 60, default: 30)],
                         optional: ["timeoutSeconds"]),
                S.result(["callbacks": S.array(S.ref("CallbackMessage"))])
            ),
            "queue.list": (
                S.params(["serviceId": S.ref("ServiceId"), "include": S.oneOf(["active", "finished", "all"], default: "active")],
                         optional: ["serviceId", "include"]),
                S.result(["jobs": S.array(S.ref("Job"))])
            ),
            "queue.remove": (
                S.params(["serviceId": S.ref("ServiceId"), "jobId": S.string(minLength: 1)]),
                S.result(["job": S.ref("Job"), "queue": S.array(S.ref("Job"))])
            ),
            "print.start": (
                S.params([
                    "serviceId": S.ref("ServiceId"),
                    "contentServer": S.string(minLength: 1),
                    // A bearer token (RFC 6750 b64token): nothing that could break out of a header.
                    "token": S.string(minLength: 1, maxLength: 4096, pattern: #"^[A-Za-z0-9\-._~+/]+=*$"#),
                ]),
                S.result(["job": S.ref("Job"), "queue": S.array(S.ref("Job"))])
            ),
            "content.servers": (S.params(), S.result([
                "servers": S.array(S.result(["name": S.string, "url": S.string, "tls": S.boolean])),
            ])),
            "history.list": (
                S.params(["serviceId": S.ref("ServiceId"), "limit": S.integer(minimum: 1, maximum: 500, default: 50)],
                         optional: ["serviceId", "limit"]),
                S.result(["jobs": S.array(S.ref("Job"))])
            ),
            "print.pause": (jobControlParams, jobControlResult),
            "print.resume": (jobControlParams, jobControlResult),
            "print.stop": (jobControlParams, jobControlResult),
            "printer.gcode": (
                S.params([
                    "serviceId": S.ref("ServiceId"),
                    "lines": S.array(S.string(minLength: 1, maxLength: 96), minItems: 1, maxItems: 32),
                ]),
                S.result(["responses": S.array(S.result(["line": S.string, "replies": S.array(S.string)]))])
            ),
            "printer.emergencyStop": (serviceParams, S.result(["state": S.ref("PrinterState")])),
        ]
    }
}
