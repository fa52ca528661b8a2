/// Reads the heater words of a temperature report: `T:210.00 /210.00 B:60.00 /60.00 @:127 B@:0`, the
/// multi-extruder form with `T0:`/`T1:`, the ADC column `(1234)` of Marlin's debug builds, `E:0 W:?` while
/// M109/M190 wait, and the extra sensors of Prusa (`P:` PINDA, `A:` ambient) and Marlin (`R:`, `M:`, `S:`).
/// Sources: Marlin `Marlin/src/module/temperature.cpp` (`print_heater_state(s)`, ` W:` in `wait_for_hotend`),
/// Prusa-Firmware `Firmware/Marlin_main.cpp` (`gcode_M105`), Prusa-Firmware-Buddy's Marlin fork (`T:25.00/0.00`,
/// `X:` heatbreak, `A:` board), RepRapFirmware `src/GCodes/GCodes.cpp` (`GenerateTemperatureReport`: tools, then
/// `B:`/`B1:`, `C:`; a tool with two heaters lists the second reading bare after the first).
enum TemperatureReportParser {
    /// Nil unless the words carry a hotend (`T:`/`T<n>:`) or bed (`B:`) reading: a position report
    /// (`X:0.00 Y:0.00 Z:0.00 E:0.00`) or other `label:value` text is not a temperature report.
    static func parse(_ words: ReplyBytes) -> TemperatureReport? {
        // M114 starts with `X:`, and its `Count A:800 B:800 Z:120` (CoreXY steppers) is no bed reading.
        if words.hasPrefix("X:") { return nil }
        var scan = Scan()
        var expectingTargetNumber = false
        words.forEachWord { word in
            if expectingTargetNumber {
                expectingTargetNumber = false
                if let target = word.decimal {
                    scan.setTarget(target)
                    return true
                }
            }
            let first = word[0]
            if first == UInt8(ascii: "/") {
                // `/210.0` is the target of the reading just before; a lone `/` puts it in the next word.
                if word.count == 1 {
                    expectingTargetNumber = true
                } else if let target = word.dropFirst(1).decimal {
                    scan.setTarget(target)
                }
                return true
            }
            if first == UInt8(ascii: "(") {
                return true  // raw ADC value of the reading before
            }
            guard let colon = word.firstIndex(of: UInt8(ascii: ":")), colon > 0 else {
                scan.current = nil
                return true
            }
            scan.take(label: word.prefix(colon), value: word.dropFirst(colon + 1))
            return true
        }
        return scan.report()
    }

    private struct Scan {
        enum Slot {
            case loneHotend
            case hotend(Int)
            case bed
            case chamber
            case other(String)
        }

        var loneHotend: TemperatureReport.Reading?
        var hotends: [Int: TemperatureReport.Reading] = [:]
        var bed: TemperatureReport.Reading?
        var chamber: TemperatureReport.Reading?
        var other: [String: TemperatureReport.Reading] = [:]
        var extruderIndex: Int?
        var isWaiting = false
        var waitSeconds: Int?
        /// The reading a following `/target` belongs to.
        var current: Slot?

        mutating func take(label: ReplyBytes, value: ReplyBytes) {
            current = nil
            // Heater powers: `@:127`, `B@:0`, `@0:0`, `C@:0`.
            if label.firstIndex(of: UInt8(ascii: "@")) != nil { return }
            let first = label[0]
            if label.count == 1 {
                switch first {
                case UInt8(ascii: "T"): store(.loneHotend, value)
                case UInt8(ascii: "B"): store(.bed, value)
                case UInt8(ascii: "C"): store(.chamber, value)
                case UInt8(ascii: "E"): extruderIndex = value.integer
                case UInt8(ascii: "W"):
                    isWaiting = true
                    waitSeconds = value.integer
                default: storeOther(label, value)
                }
                return
            }
            if first == UInt8(ascii: "T"), let index = label.dropFirst(1).integer {
                store(.hotend(index), value)
                return
            }
            storeOther(label, value)
        }

        private mutating func storeOther(_ label: ReplyBytes, _ value: ReplyBytes) {
            for offset in 0..<label.count {
                let byte = label[offset]
                guard ReplyBytes.isLetter(byte) || ReplyBytes.isDigit(byte) || byte == UInt8(ascii: "_") else { return }
            }
            store(.other(label.string), value)
        }

        private mutating func store(_ slot: Slot, _ value: ReplyBytes) {
            // Prusa's Buddy firmware (MK4, XL; its `print_heater_state` prints `SERIAL_ECHOPAIR("/", t)`) glues the
            // target to the reading: `T:25.00/0.00`.
            if let slash = value.firstIndex(of: UInt8(ascii: "/")), slash > 0 {
                guard let actual = value.prefix(slash).decimal else { return }
                let target = value.dropFirst(slash + 1).decimal
                put(slot, TemperatureReport.Reading(actual: actual, target: target))
                current = target == nil ? slot : nil
                return
            }
            guard let actual = value.decimal else { return }
            put(slot, TemperatureReport.Reading(actual: actual))
            current = slot
        }

        private mutating func put(_ slot: Slot, _ reading: TemperatureReport.Reading) {
            switch slot {
            case .loneHotend: loneHotend = reading
            case .hotend(let index): hotends[index] = reading
            case .bed: bed = reading
            case .chamber: chamber = reading
            case .other(let label): other[label] = reading
            }
        }

        mutating func setTarget(_ target: Double) {
            guard let slot = current else { return }
            switch slot {
            case .loneHotend: loneHotend?.target = target
            case .hotend(let index): hotends[index]?.target = target
            case .bed: bed?.target = target
            case .chamber: chamber?.target = target
            case .other(let label): other[label]?.target = target
            }
            current = nil
        }

        func report() -> TemperatureReport? {
            guard loneHotend != nil || !hotends.isEmpty || bed != nil else { return nil }
            var hotends = self.hotends
            // A lone `T:` is the active (or waited-for, `E:<n>`) hotend; an explicit `T<n>:` for the same
            // index is the more precise of the two.
            if let loneHotend {
                let index = extruderIndex ?? 0
                if hotends[index] == nil { hotends[index] = loneHotend }
            }
            return TemperatureReport(hotends: hotends, bed: bed, chamber: chamber, other: other,
                                     isWaiting: isWaiting, waitSecondsRemaining: waitSeconds)
        }
    }
}
