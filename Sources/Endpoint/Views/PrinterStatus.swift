import GCode
import PrinterLink

/// `printer.status`: operating state, nozzle and bed temperatures, the current job, and when the measurement was
/// taken (3D-HSF-01.3, 7.2.7). There is no status before the printer's first temperature report: the one-shot
/// policy (7.3.2) then answers "data not present" (11), which `make` signals with nil.
public enum PrinterStatus {
    /// - Parameter measuredAt: the time the latest report arrived, as an ISO-8601 time stamp with offset
    ///   (HD-HLF-06); the firmware stamps nothing itself, so `timestampFromAgent` is always true.
    public static func make(snapshot: LinkSnapshot, measuredAt: String?) -> JSONValue? {
        guard let report = snapshot.temperature, let measuredAt else { return nil }
        var status: [String: JSONValue] = [
            "state": .string(stateName(snapshot.state)),
            "nozzles": .array(report.hotends.keys.sorted().map { index in
                reading(report.hotends[index]!, extra: ["index": .integer(Int64(index))])
            }),
            "bed": report.bed.map { reading($0) } ?? .null,
            "chamber": report.chamber.map { reading($0) } ?? .null,
            "measuredAt": .string(measuredAt),
            "timestampFromAgent": .bool(true),
        ]
        if let detail = stateDetail(snapshot.state) { status["stateDetail"] = .string(detail) }
        status["job"] = snapshot.progress.map { progress in
            .object([
                "confirmedLines": .integer(Int64(progress.confirmedCommands)),
                "totalLines": .integer(Int64(progress.totalCommands)),
                "lastConfirmedFileLine": .integer(Int64(progress.lastConfirmedFileLine)),
                "progress": .number((progress.fraction * 1000).rounded() / 1000),
            ])
        } ?? .null
        return .object(status)
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
