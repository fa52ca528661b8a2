/// Marlin 2.1's M115 geometry line (`Marlin/src/gcode/host/M115.cpp`, `#if ENABLED(M115_GEOMETRY_REPORT)`):
/// `area:{full:{min:{x:0.00,y:0.00,z:0.00},max:{x:200.00,y:200.00,z:200.00}},work:{min:{…},max:{…}}}`.
/// It is a nested `key:{…}` / `key:value` list, not JSON (no quotes); machines with more axes add `i:`, `j:`…,
/// which are skipped. Rare, so this side builds Strings.
enum PrintAreaParser {
    /// `line` starts with `area:`; nil unless both boxes carry x, y and z.
    static func parse(_ line: ReplyBytes) -> PrintArea? {
        var values: [String: Double] = [:]
        var path: [String] = []
        var key = ""
        var number = ""
        var readingNumber = false

        func finishNumber() {
            if readingNumber, let value = Double(number) {
                values[(path + [key]).joined(separator: ".")] = value
            }
            readingNumber = false
            number = ""
            key = ""
        }

        for offset in 0..<line.count {
            let byte = line[offset]
            switch byte {
            case UInt8(ascii: "{"):
                guard !key.isEmpty else { return nil }
                path.append(key)
                key = ""
            case UInt8(ascii: "}"):
                finishNumber()
                guard !path.isEmpty else { return nil }
                path.removeLast()
            case UInt8(ascii: ","):
                finishNumber()
            case UInt8(ascii: ":"):
                guard !key.isEmpty, !readingNumber else { return nil }
                // A `:` not followed by `{` starts a value.
                if offset + 1 < line.count, line[offset + 1] != UInt8(ascii: "{") { readingNumber = true }
            case UInt8(ascii: " "):
                continue
            default:
                if readingNumber {
                    number.unicodeScalars.append(Unicode.Scalar(byte))
                } else {
                    key.unicodeScalars.append(Unicode.Scalar(ReplyBytes.lowercased(byte)))
                }
            }
        }
        func axes(_ box: String, _ corner: String) -> Millimetres3? {
            let prefix = "area.\(box).\(corner)."
            guard let x = values[prefix + "x"], let y = values[prefix + "y"], let z = values[prefix + "z"] else { return nil }
            return Millimetres3(x: x, y: y, z: z)
        }
        guard let fullMin = axes("full", "min"), let fullMax = axes("full", "max"),
              let workMin = axes("work", "min"), let workMax = axes("work", "max") else { return nil }
        return PrintArea(full: PrintArea.Box(min: fullMin, max: fullMax), work: PrintArea.Box(min: workMin, max: workMax))
    }
}
