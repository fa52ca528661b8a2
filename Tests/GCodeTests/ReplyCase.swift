import Testing
@testable import GCode

/// Where a reply line in the tables comes from, so that a failure says whose firmware the parser misread.
enum ReplySource: Sendable, CustomStringConvertible {
    /// A file of MarlinFirmware/Marlin (2.1.x unless the case says otherwise) that prints the line.
    case marlin(String)
    /// A file of prusa3d/Prusa-Firmware (3.x, MK3/MK3S).
    case prusa(String)
    /// A file of prusa3d/Prusa-Firmware-Buddy (MK4, XL, MINI), whose Marlin fork prints its own variants.
    case buddy(String)
    /// A file of Duet3D/RepRapFirmware (3.x), in Marlin emulation over USB.
    case reprap(String)
    /// A line copied from a user's report (issue URL).
    case transcript(String)
    /// Not a firmware's line: what a noisy link or a different firmware may produce, and why it is here.
    case edgeCase(String)

    var description: String {
        switch self {
        case .marlin(let path): return "Marlin \(path)"
        case .prusa(let path): return "Prusa-Firmware \(path)"
        case .buddy(let path): return "Prusa-Firmware-Buddy \(path)"
        case .reprap(let path): return "RepRapFirmware \(path)"
        case .transcript(let url): return "transcript \(url)"
        case .edgeCase(let why): return "edge case: \(why)"
        }
    }
}

/// One reply line as a firmware sends it, what the parser must make of it, and where the line comes from.
struct ReplyCase: Sendable, CustomTestStringConvertible {
    var line: String
    var expected: FirmwareReply
    var source: ReplySource

    init(_ line: String, _ expected: FirmwareReply, _ source: ReplySource) {
        self.line = line
        self.expected = expected
        self.source = source
    }

    var testDescription: String { "\(line.debugDescription) (\(source))" }
}

typealias Reading = TemperatureReport.Reading

func temps(_ hotends: [Int: Reading] = [:], bed: Reading? = nil, chamber: Reading? = nil, other: [String: Reading] = [:],
           waiting: Bool = false, seconds: Int? = nil) -> TemperatureReport {
    TemperatureReport(hotends: hotends, bed: bed, chamber: chamber, other: other,
                      isWaiting: waiting, waitSecondsRemaining: seconds)
}

func reading(_ actual: Double, _ target: Double? = nil) -> Reading { Reading(actual: actual, target: target) }

func fault(_ kind: HeaterFault.Kind, _ heater: String?, _ message: String) -> FirmwareReply {
    .error(.heaterFault(HeaterFault(kind: kind, heater: heater, message: message)))
}

func limits(_ enabled: Bool?, min: (Double, Double, Double), max: (Double, Double, Double)) -> FirmwareReply {
    .softEndstops(SoftEndstops(enabled: enabled, min: .init(x: min.0, y: min.1, z: min.2),
                               max: .init(x: max.0, y: max.1, z: max.2)))
}
