import ThreeDPProtocol

/// One line per callback for `3dp-agent client watch`:
/// "12:00:01 mk3s printing 42.0% line 1234/5000 · nozzle 215.0/215 °C bed 60.1/60 °C".
public enum CallbackText {
    /// The line for `callback`. The time is the agent's own stamp (`measuredAt`, `at`) when the topic has one,
    /// else `receivedAt` ("HH:MM:SS" of the client's clock), so every line starts with a time.
    public static func line(_ callback: AgentCallback, receivedAt: String) -> String {
        guard case .success(let result) = callback.outcome else {
            if case .failure(let error) = callback.outcome { return "\(receivedAt) \(callback.topic): \(error)" }
            return "\(receivedAt) \(callback.topic)"
        }
        let stamp = (result["measuredAt"] ?? result["at"])?.stringValue.flatMap(TerminalText.clock(ofTimestamp:))
        return (stamp ?? receivedAt) + " " + body(topic: callback.topic, result: result)
    }

    static func body(topic: String, result: JSONValue) -> String {
        let service = PrinterText.service(result)
        switch CallbackTopic(rawValue: topic) {
        case .printerStatus:
            return PrinterText.status(result)
        case .printerTemperature:
            return service + " " + PrinterText.temperatures(result)
        case .jobProgress:
            return service + " job \(result["jobId"]?.stringValue ?? "?") " + (PrinterText.jobProgress(result) ?? "0.0%")
        case .jobState:
            return service + " job " + jobState(result["job"] ?? .null)
        case .queueChanged:
            let jobs = result["queue"]?.arrayValue ?? []
            let entries = jobs.map { "\($0["jobId"]?.stringValue ?? "?") \($0["state"]?.stringValue ?? "?")" }
            return service + (jobs.isEmpty ? " queue empty" : " queue: " + entries.joined(separator: ", "))
        case .printerError:
            return service + " ERROR \(result["kind"]?.stringValue ?? "?"): \(result["message"]?.stringValue ?? "")"
        case .printerMessage:
            return service + " \(result["kind"]?.stringValue ?? "?"): \(result["text"]?.stringValue ?? "")"
        case nil:
            return topic + " " + TerminalText.compactJSON(result)
        }
    }

    /// "J42 benchy.gcode completed — done in 1h02m".
    private static func jobState(_ job: JSONValue) -> String {
        var text = "\(job["jobId"]?.stringValue ?? "?") \(job["name"]?.stringValue ?? "?") \(job["state"]?.stringValue ?? "?")"
        if let message = job["message"]?.stringValue, !message.isEmpty { text += " — " + message }
        return text
    }
}
