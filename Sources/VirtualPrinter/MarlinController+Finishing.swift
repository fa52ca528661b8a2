/// Finishing commands: the `ok`, progress of what runs (moves, dwells, heating waits), the heaters of a command.
extension MarlinController {
    /// Marlin's `ok_to_send` for the command at the head of the queue, which then leaves the queue.
    mutating func acknowledge(sendsOK: Bool = true) {
        if sendsOK {
            output.appendASCII("ok")
            if configuration.advancedOK {
                let line = queue.first
                if let first = line.first, first == UInt8(ascii: "N") {
                    output.appendASCII(" N")
                    var index = 1
                    while index < line.count, ParsedCommand.isSignedDigit(line[index]) {
                        output.append(line[index])
                        index += 1
                    }
                }
                output.appendASCII(" P")
                output.appendDecimal(planner.movesFree)
                output.appendASCII(" B")
                output.appendDecimal(queue.capacity - queue.count)
            }
            output.append(UInt8(ascii: "\n"))
        }
        queue.removeFirst()
        activity = .idle
        busy = nil
        waitCancelled = false
    }

    /// Moves the command in progress forward; true when it finished.
    mutating func progress(at now: Double) -> Bool {
        switch activity {
        case .idle:
            return true
        case .synchronizing(let next):
            guard planner.isEmpty else { return false }
            switch next {
            case .finish:
                acknowledge()
            case .dwell(let seconds):
                activity = .timed(until: now + realSeconds(seconds), homes: false)
            case .home:
                activity = .timed(until: now + realSeconds(configuration.homingDuration), homes: true)
            case .probe:
                activity = .timed(until: now + realSeconds(configuration.probingDuration), homes: false)
            }
            return true
        case .timed(let until, let homes):
            guard now >= until else { return false }
            if homes {
                position.x = 0
                position.y = 0
                position.z = 0
            }
            acknowledge()
            return true
        case .waitingForPlannerBlock(let duration):
            guard planner.plan(duration: duration, at: now) else { return false }
            acknowledge()
            return true
        case .heating(var wait):
            return progressHeating(&wait, at: now)
        case .pausedForUser(let until):
            if waitCancelled || (until.map { now >= $0 } ?? false) {
                acknowledge()
                return true
            }
            return false
        }
    }

    /// Marlin's `wait_for_hotend` / `wait_for_bed`: a temperature line with ` W:` every second, done once the
    /// temperature has stayed near the target for the residency time (TEMP_WINDOW 1 °C to start it,
    /// TEMP_HYSTERESIS 3 °C to restart it).
    mutating func progressHeating(_ wait: inout HeaterWait, at now: Double) -> Bool {
        if waitCancelled {
            acknowledge()
            return true
        }
        let heater = self.heater(wait.heater)
        let residency = configuration.temperatureResidency
        if now >= wait.nextReport {
            appendTemperatureReport(tool: activeToolFor(wait.heater))
            output.appendASCII(" W:")
            if let start = wait.residencyStart {
                output.appendDecimal(max(0, Int(residency - (now - start) * configuration.timeScale)))
            } else {
                output.append(UInt8(ascii: "?"))
            }
            output.append(UInt8(ascii: "\n"))
            wait.nextReport = now + realSeconds(1)
        }
        let difference = abs(heater.temperature - heater.target)
        if heater.target == 0 || (!wait.waitsForCooling && heater.temperature > heater.target + 1) {
            acknowledge()
            return true
        }
        if wait.residencyStart == nil {
            if difference < 1 { wait.residencyStart = now }
        } else if difference > 3 {
            wait.residencyStart = now
        }
        if let start = wait.residencyStart, (now - start) * configuration.timeScale >= residency {
            acknowledge()
            return true
        }
        activity = .heating(wait)
        return false
    }

    func heater(_ id: HeaterID) -> HeaterModel {
        switch id {
        case .hotend(let index): hotends[index]
        case .bed: bed
        }
    }

    func activeToolFor(_ id: HeaterID) -> Int {
        if case .hotend(let index) = id { return index }
        return activeTool
    }

    /// Starts a command that takes time: the queue stays blocked and busy messages begin after one interval.
    mutating func begin(_ activity: Activity, busy: Busy, at now: Double) {
        self.activity = activity
        self.busy = busy
        waitCancelled = false
        nextBusySignal = now + realSeconds(Self.keepaliveInterval)
    }
}
