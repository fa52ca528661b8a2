import ThreeDPProtocol

/// One-line readable forms of 3DP-1 results for a terminal (`3dp-agent client status`, `info`, …). Each takes the
/// result object as it came over the wire and never fails: a member the agent left out shows as "?" rather than
/// hiding the rest of the line.
public enum PrinterText {
    /// `printer.status`: "mk3s printing 42.0% line 1234/5000 · nozzle 215.0/215 °C bed 60.1/60 °C · 2 queued".
    public static func status(_ status: JSONValue) -> String {
        var state = status["state"]?.stringValue ?? "?"
        if let detail = status["stateDetail"]?.stringValue, !detail.isEmpty { state += " (\(detail))" }
        var parts = [service(status) + " " + state]
        if let job = status["job"], !job.isNull, let progress = jobProgress(job) {
            parts[0] += " " + progress
        }
        let readings = temperatures(status)
        if !readings.isEmpty { parts.append(readings) }
        if let queued = status["queuedJobs"]?.intValue, queued > 0 { parts.append("\(queued) queued") }
        return parts.joined(separator: " · ")
    }

    /// The readings of a status or `printer.temperature` result: "nozzle 215.0/215 °C bed 60.1/60 °C"; several
    /// nozzles are numbered ("nozzle0 …, nozzle1 …"); a missing bed or chamber is left out.
    public static func temperatures(_ result: JSONValue) -> String {
        var parts: [String] = []
        let nozzles = result["nozzles"]?.arrayValue ?? []
        for (position, nozzle) in nozzles.enumerated() {
            let name = nozzles.count == 1 ? "nozzle" : "nozzle\(nozzle["index"]?.intValue ?? position)"
            parts.append(name + " " + reading(nozzle))
        }
        for heater in ["bed", "chamber"] {
            if let value = result[heater], !value.isNull { parts.append(heater + " " + reading(value)) }
        }
        return parts.joined(separator: " ")
    }

    /// A Reading: "215.0/215 °C", or "21.3 °C" with no target.
    public static func reading(_ reading: JSONValue) -> String {
        let actual = reading["actual"]?.doubleValue.map(TerminalText.oneDecimal) ?? "?"
        guard let target = reading["target"]?.doubleValue else { return actual + " °C" }
        return actual + "/" + TerminalText.compactNumber(target) + " °C"
    }

    /// `printer.info`: the product name, then every identification the printer gave.
    public static func info(_ info: JSONValue) -> String {
        var parts = [info["productName"]?.stringValue ?? "?"]
        let labelled: [(String, String)] = [
            ("manufacturer", ""), ("modelNumber", "model "), ("firmwareRevision", "firmware "),
            ("softwareRevision", "software "), ("hardwareRevision", "hardware "), ("serialNumber", "serial "),
            ("partNumber", "part "), ("protocolRevision", "protocol "), ("systemId", "system "),
        ]
        for (member, label) in labelled {
            if let value = info[member]?.stringValue, !value.isEmpty { parts.append(label + value) }
        }
        return parts.joined(separator: " · ")
    }

    /// `printer.attributes`: "FFF · 250×210×210 mm (firmware) · memory 1.9 GiB of 3.8 GiB free · storage … · eth0 up 10.0.0.5/24".
    public static func attributes(_ attributes: JSONValue) -> String {
        var parts = [attributes["printerType"]?.stringValue ?? "?"]
        if let size = attributes["printSize"], !size.isNull {
            let axes = ["x", "y", "z"].map { size[$0]?.doubleValue.map(TerminalText.compactNumber) ?? "?" }
            var text = axes.joined(separator: "×") + " " + (size["unit"]?.stringValue ?? "mm")
            if let source = size["source"]?.stringValue { text += " (\(source))" }
            parts.append(text)
        } else {
            parts.append("print size unknown")
        }
        if let memory = attributes["memory"], !memory.isNull {
            parts.append("memory " + freeOfTotal(memory))
        }
        if let storage = attributes["storage"], !storage.isNull {
            var text = "storage " + freeOfTotal(storage)
            if let path = storage["path"]?.stringValue, !path.isEmpty { text += " in \(path)" }
            parts.append(text)
        }
        let interfaces = (attributes["network"]?.arrayValue ?? []).map { interface in
            var text = (interface["name"]?.stringValue ?? "?") + (interface["up"]?.boolValue == true ? " up" : " down")
            let addresses = interface["addresses"]?.arrayValue?.compactMap(\.stringValue) ?? []
            if !addresses.isEmpty { text += " " + addresses.joined(separator: " ") }
            return text
        }
        if !interfaces.isEmpty { parts.append(interfaces.joined(separator: ", ")) }
        return parts.joined(separator: " · ")
    }

    /// One queue entry: "1. J42 benchy.gcode printing 42.0% line 1234/5000 — heating"; a finished job (order 0)
    /// has "-" for its place.
    public static func job(_ job: JSONValue) -> String {
        let order = job["order"]?.intValue.map { $0 > 0 ? "\($0)." : "-" } ?? "?"
        var text = [order, job["jobId"]?.stringValue ?? "?", job["name"]?.stringValue ?? "?",
                    job["state"]?.stringValue ?? "?"].joined(separator: " ")
        if let progress = jobProgress(job) { text += " " + progress }
        if let message = job["message"]?.stringValue, !message.isEmpty { text += " — " + message }
        return text
    }

    /// A queue (`queue.list`'s `jobs`, `print.*`'s `queue`), one line per job.
    public static func queue(_ jobs: JSONValue) -> [String] {
        let entries = jobs.arrayValue ?? []
        return entries.isEmpty ? ["queue empty"] : entries.map(job)
    }

    /// `service.discover`: the agent, then one line per printer service.
    public static func discovery(_ result: JSONValue) -> [String] {
        let agent = result["agent"] ?? .null
        var lines = ["\(agent["name"]?.stringValue ?? "?") \(agent["version"]?.stringValue ?? "?")"
            + " (API \(agent["apiVersion"]?.stringValue ?? "?"), system \(agent["systemId"]?.stringValue ?? "?"))"]
        let services = result["services"]?.arrayValue ?? []
        if services.isEmpty { lines.append("  no printers") }
        for service in services {
            let online = service["online"]?.boolValue == true ? "online" : "offline"
            var line = "  \(service["serviceId"]?.stringValue ?? "?")  \(service["name"]?.stringValue ?? "?")  \(online)"
                + " \(service["state"]?.stringValue ?? "?")"
            if let port = service["port"]?.stringValue, !port.isEmpty { line += "  \(port)" }
            lines.append(line)
        }
        return lines
    }

    /// "42.0% line 1234/5000", only once there is something to say (a total, or progress above zero).
    static func jobProgress(_ job: JSONValue) -> String? {
        let progress = job["progress"]?.doubleValue ?? 0
        let total = job["totalLines"]?.int64Value ?? 0
        guard progress > 0 || total > 0 else { return nil }
        var text = TerminalText.percent(progress)
        if total > 0 { text += " line \(job["confirmedLines"]?.int64Value ?? 0)/\(total)" }
        return text
    }

    static func service(_ result: JSONValue) -> String {
        result["serviceId"]?.stringValue ?? "?"
    }

    private static func freeOfTotal(_ amounts: JSONValue) -> String {
        let available = amounts["availableBytes"]?.int64Value.map(TerminalText.bytes) ?? "?"
        let total = amounts["totalBytes"]?.int64Value.map(TerminalText.bytes) ?? "?"
        return "\(available) of \(total) free"
    }
}
