import GCode
import Jobs
import PrinterLink
import ThreeDPProtocol

/// `printer.status`: operating state, nozzle and bed temperatures, the current job and the queue behind it, and
/// when the measurement was taken (3D-HSF-01.3, 7.2.7). There is no status before the printer's first
/// temperature report: the one-shot policy (7.3.2) then answers "data not present" (11), which `make` signals
/// with nil.
public enum PrinterStatus {
    /// `timestampFromAgent` is always true: the firmware stamps nothing, so `measuredAt` is when the report arrived.
    public static func make(_ report: PrinterStatusReport, jobOrder: Int = 1) -> JSONValue? {
        guard let temperature = report.temperature, let measuredAt = report.measuredAt else { return nil }
        var status = temperatures(temperature)
        status["serviceId"] = .string(report.serviceId)
        status["state"] = .string(stateName(report.state))
        if let detail = stateDetail(report.state) { status["stateDetail"] = .string(detail) }
        status["job"] = report.job.map { JobView.json($0, order: jobOrder) } ?? .null
        status["preparing"] = report.preparing.map { JobView.json($0, order: 0) } ?? .null
        status["queuedJobs"] = .integer(Int64(report.queuedJobs))
        status["queueHold"] = report.queueHold.map(JSONValue.string) ?? .null
        status["measuredAt"] = .string(Timestamps.string(measuredAt))
        status["timestampFromAgent"] = .bool(true)
        status["reportedAt"] = .string(Timestamps.string(report.reportedAt))
        return .object(status)
    }

    /// Nozzles, bed and chamber, actual and target (°C, to a tenth).
    public static func temperatures(_ report: TemperatureReport) -> [String: JSONValue] {
        [
            "nozzles": .array(report.hotends.keys.sorted().map { index in
                reading(report.hotends[index]!, extra: ["index": .integer(Int64(index))])
            }),
            "bed": report.bed.map { reading($0) } ?? .null,
            "chamber": report.chamber.map { reading($0) } ?? .null,
        ]
    }

    /// The operating states a Manager sees.
    public static func stateName(_ state: PrinterState) -> String {
        switch state {
        case .connecting: return "connecting"
        case .ready: return "idle"
        case .printing: return "printing"
        case .pausing: return "pausing"
        case .paused: return "paused"
        case .cancelling: return "cancelling"
        case .halted: return "halted"
        case .disconnected: return "disconnected"
        }
    }

    static func stateDetail(_ state: PrinterState) -> String? {
        switch state {
        case .halted(let reason), .disconnected(let reason): return reason
        default: return nil
        }
    }

    static func reading(_ reading: TemperatureReport.Reading, extra: [String: JSONValue] = [:]) -> JSONValue {
        var object = extra
        object["actual"] = .number((reading.actual * 10).rounded() / 10)
        object["target"] = reading.target.map { .number(($0 * 10).rounded() / 10) } ?? .null
        return .object(object)
    }
}
