/// A firmware fault that halts the printer, as Marlin's `_temp_error` does: an `Error:` line naming the heater, then
/// `Error:Printer halted. kill() called!`. The heater is `"0"`, `"1"`… for hotends and `"bed"` for the bed.
public enum PrinterFault: Sendable, Equatable {
    case thermalRunaway(heater: String)
    case heatingFailed(heater: String)
    case minTemperature(heater: String)
    case maxTemperature(heater: String)

    /// The first `Error:` line, without the prefix.
    var message: String {
        switch self {
        case .thermalRunaway(let heater): "Thermal Runaway, system stopped! Heater_ID: \(heater)"
        case .heatingFailed(let heater): "Heating failed, system stopped! Heater_ID: \(heater)"
        case .minTemperature(let heater): "MINTEMP triggered, system stopped! Heater_ID: \(heater)"
        case .maxTemperature(let heater): "MAXTEMP triggered, system stopped! Heater_ID: \(heater)"
        }
    }
}
