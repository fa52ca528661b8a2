import Foundation

/// The commands the simulated firmware knows. Anything else gets Marlin's `echo:Unknown command: "…"` and an `ok`.
extension MarlinController {
    /// G and M codes Marlin accepts that change nothing a host can observe here; they are logged and answered `ok`.
    static let quietGCodes: Set<Int> = [10, 11, 17, 18, 19, 20, 21, 53, 54, 55, 56, 57, 58, 59, 60, 61, 80]
    static let quietMCodes: Set<Int> = [
        17, 18, 22, 31, 42, 73, 75, 76, 77, 78, 84, 85, 92, 106, 107, 111, 113, 120, 121, 149, 150, 201, 203, 204, 205,
        206, 207, 208, 209, 220, 221, 280, 290, 300, 301, 302, 304, 400, 401, 402, 420, 500, 501, 502, 503, 851, 900, 907,
    ]

    /// Runs the command at the head of the queue.
    mutating func execute(_ line: [UInt8], at now: Double) {
        let command = ParsedCommand(line: line)
        logExecution(command.textBytes)
        guard let letter = command.letter else {
            unknown(command)
            return
        }
        switch letter {
        case UInt8(ascii: "G"): executeG(command, at: now)
        case UInt8(ascii: "M"): executeM(command, at: now)
        default: selectTool(command.code)
        }
    }

    mutating func unknown(_ command: ParsedCommand) {
        output.appendASCII("echo:Unknown command: \"")
        output.append(contentsOf: command.textBytes)
        output.appendASCII("\"\n")
        acknowledge()
    }

    // MARK: G codes

    mutating func executeG(_ command: ParsedCommand, at now: Double) {
        switch command.code {
        case 0, 1, 2, 3:
            move(command, at: now)
        case 4:
            var seconds = 0.0
            if let milliseconds = command.value("P") { seconds = milliseconds / 1000 }
            if let value = command.value("S") { seconds = value }
            begin(.synchronizing(then: .dwell(seconds: seconds)), busy: .processing, at: now)
        case 28:
            begin(.synchronizing(then: .home), busy: .processing, at: now)
        case 29:
            begin(.synchronizing(then: .probe), busy: .processing, at: now)
        case 90:
            position.relative = false
            position.relativeExtrusion = false
            acknowledge()
        case 91:
            position.relative = true
            position.relativeExtrusion = true
            acknowledge()
        case 92:
            if let x = command.value("X") { position.x = x }
            if let y = command.value("Y") { position.y = y }
            if let z = command.value("Z") { position.z = z }
            if let e = command.value("E") { position.e = e }
            acknowledge()
        case let code where Self.quietGCodes.contains(code):
            acknowledge()
        default:
            unknown(command)
        }
    }

    /// G0–G3: the new position, and with a move time scale a planner block for the move's duration.
    mutating func move(_ command: ParsedCommand, at now: Double) {
        let start = position
        if let feedrate = command.value("F"), feedrate > 0 { position.feedrate = feedrate / 60 }
        if let x = command.value("X") { position.x = position.relative ? position.x + x : x }
        if let y = command.value("Y") { position.y = position.relative ? position.y + y : y }
        if let z = command.value("Z") { position.z = position.relative ? position.z + z : z }
        if let e = command.value("E") { position.e = position.relativeExtrusion ? position.e + e : e }
        guard let speedup = configuration.moveTimeScale else {
            acknowledge()
            return
        }
        let dx = position.x - start.x, dy = position.y - start.y, dz = position.z - start.z
        var distance = (dx * dx + dy * dy + dz * dz).squareRoot()
        if distance == 0 { distance = abs(position.e - start.e) }
        let duration = distance / position.feedrate / speedup
        if planner.plan(duration: duration, at: now) {
            acknowledge()
        } else {
            begin(.waitingForPlannerBlock(duration: duration), busy: .processing, at: now)
        }
    }

    // MARK: M codes

    mutating func executeM(_ command: ParsedCommand, at now: Double) {
        switch command.code {
        case 0, 1:
            pauseForUser(command, at: now)
        case 82:
            position.relativeExtrusion = false
            acknowledge()
        case 83:
            position.relativeExtrusion = true
            acknowledge()
        case 81:
            for index in hotends.indices { hotends[index].setTarget(0) }
            bed.setTarget(0)
            acknowledge()
        case 104, 109:
            setHotend(command, waits: command.code == 109, at: now)
        case 105:
            guard let tool = targetTool(command) else { return acknowledge() }
            output.appendASCII("ok")
            appendTemperatureReport(tool: tool)
            output.append(UInt8(ascii: "\n"))
            acknowledge(sendsOK: false)
        case 108, 410, 876:
            // With the emergency parser these acted as their bytes arrived and are no-ops here, as in Marlin; without
            // it they act only once they reach the queue, when nothing is left waiting for them.
            if command.code == 410, !configuration.emergencyParser { planner.clear() }
            acknowledge()
        case 112:
            if configuration.emergencyParser { acknowledge() } else { kill() }
        case 110:
            if let number = command.value("N") { lastLineNumber = Int(number) }
            acknowledge()
        case 114:
            reportPosition()
            acknowledge()
        case 115:
            reportFirmware()
            acknowledge()
        case 117:
            let message = command.stringArgument
            displayMessage = message.isEmpty ? nil : message
            acknowledge()
        case 118:
            echoToHost(command)
            acknowledge()
        case 140, 190:
            setBed(command, waits: command.code == 190, at: now)
        case 155 where configuration.autoreportTemperature:
            if let seconds = command.value("S") {
                autoreportInterval = min(max(seconds, 0), 60)
                nextAutoreport = autoreportInterval > 0 ? now + realSeconds(autoreportInterval) : .infinity
            }
            acknowledge()
        case 211:
            // Marlin 2.1 reports only when asked: `M211 S<0|1>` sets the state silently.
            if let enabled = command.value("S") { softEndstopsEnabled = enabled != 0 } else { reportSoftEndstops() }
            acknowledge()
        case 400:
            begin(.synchronizing(then: .finish), busy: .processing, at: now)
        case 600:
            output.appendASCII("//action:prompt_end\n//action:prompt_begin Nozzle Parked\n")
            output.appendASCII("//action:prompt_button Continue\n//action:prompt_show\n")
            begin(.pausedForUser(until: nil), busy: .pausedForUser, at: now)
        case let code where Self.quietMCodes.contains(code):
            acknowledge()
        default:
            unknown(command)
        }
    }

    /// M0/M1: wait for the user (M108, or an M876 answer to the prompt), or for `S` seconds / `P` milliseconds.
    mutating func pauseForUser(_ command: ParsedCommand, at now: Double) {
        var timeout: Double? = nil
        if let milliseconds = command.value("P") { timeout = milliseconds / 1000 }
        if let seconds = command.value("S") { timeout = seconds }
        let text = command.stringArgument
        let prompt = text.isEmpty || timeout != nil ? (command.code == 1 ? "M1 Stop" : "M0 Stop") : text
        output.appendASCII("//action:prompt_end\n//action:prompt_begin ")
        output.appendText(prompt)
        output.appendASCII("\n//action:prompt_button Continue\n//action:prompt_show\n")
        begin(.pausedForUser(until: timeout.map { now + realSeconds($0) }), busy: .pausedForUser, at: now)
    }

    /// The hotend a command addresses (`T<n>`, else the active tool); nil after reporting an invalid one.
    mutating func targetTool(_ command: ParsedCommand) -> Int? {
        guard let value = command.value("T") else { return activeTool }
        let tool = Int(value)
        guard tool >= 0, tool < hotends.count else {
            output.appendASCII("echo:M")
            output.appendDecimal(command.code)
            output.appendASCII(" Invalid extruder ")
            output.appendDecimal(tool)
            output.append(UInt8(ascii: "\n"))
            return nil
        }
        return tool
    }

    /// M104/M109 (Marlin's M109 waits only while heating with `S`, either way with `R`, on the current target with
    /// neither).
    mutating func setHotend(_ command: ParsedCommand, waits: Bool, at now: Double) {
        guard let tool = targetTool(command) else { return acknowledge() }
        let heatOnly = command.value("S") != nil
        if let target = command.value("S") ?? command.value("R") { hotends[tool].setTarget(target) }
        guard waits, hotends[tool].target > 0, hotends[tool].isHeating || !heatOnly else { return acknowledge() }
        let wait = HeaterWait(heater: .hotend(tool), waitsForCooling: !heatOnly, residencyStart: nil, nextReport: now)
        begin(.heating(wait), busy: .processing, at: now)
        _ = progress(at: now)
    }

    mutating func setBed(_ command: ParsedCommand, waits: Bool, at now: Double) {
        let heatOnly = command.value("S") != nil
        if let target = command.value("S") ?? command.value("R") { bed.setTarget(target) }
        guard waits, bed.target > 0, bed.isHeating || !heatOnly else { return acknowledge() }
        let wait = HeaterWait(heater: .bed, waitsForCooling: !heatOnly, residencyStart: nil, nextReport: now)
        begin(.heating(wait), busy: .processing, at: now)
        _ = progress(at: now)
    }

    mutating func selectTool(_ tool: Int) {
        if tool < hotends.count {
            activeTool = tool
        } else {
            output.appendASCII("echo:T")
            output.appendDecimal(tool)
            output.appendASCII(" Invalid extruder\n")
        }
        acknowledge()
    }

    /// M118 as Marlin parses it: leading `A1` adds `//` (an action command), `E1` adds `echo:`, `P<n>` picks a port.
    mutating func echoToHost(_ command: ParsedCommand) {
        var text = Substring(command.stringArgument)
        var action = false, echo = false
        for _ in 0..<3 {
            guard text.count >= 2 else { break }
            let first = text[text.startIndex], second = text[text.index(after: text.startIndex)]
            if (first == "A" || first == "E") && second == "1" {
                if first == "A" { action = true } else { echo = true }
            } else if first == "P" && second.isNumber {
            } else {
                break
            }
            text = text.dropFirst(2).drop { $0 == " " }
        }
        if echo { output.appendASCII("echo:") }
        if action { output.appendASCII("//") }
        output.appendText(String(text))
        output.append(UInt8(ascii: "\n"))
    }
}
