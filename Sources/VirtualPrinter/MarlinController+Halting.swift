/// Halting and resetting: kill, halt, injected faults, a reset; unsolicited lines and the execution log.
extension MarlinController {
    /// Marlin's `kill()`: heaters off, the error, and nothing more until a reset.
    mutating func kill() {
        output.appendASCII("Error:Printer halted. kill() called!\n")
        halt()
    }

    mutating func halt() {
        isHalted = true
        for index in hotends.indices { hotends[index].setTarget(0) }
        bed.setTarget(0)
        queue.removeAll()
        receiveBuffer.removeAll()
        activity = .idle
        busy = nil
        autoreportInterval = 0
        planner.clear()
    }

    mutating func inject(_ fault: PrinterFault) {
        guard !isHalted else { return }
        output.appendASCII("Error:")
        output.appendText(fault.message)
        output.append(UInt8(ascii: "\n"))
        kill()
    }

    /// A controller reset (DTR pulse or power cycle): everything volatile is lost, the heaters are off, and the
    /// firmware boots and greets the host with `start`. The command log survives: it is the observer's record.
    mutating func reset(at now: Double) {
        updateHeaters(to: now)
        stats.resets += 1
        isHalted = false
        receiveBuffer.removeAll()
        assembler.reset()
        emergency = EmergencyParser()
        skippingCutLine = false
        lastLineNumber = 0
        queue.removeAll()
        activity = .idle
        busy = nil
        waitCancelled = false
        for index in hotends.indices { hotends[index].setTarget(0) }
        bed.setTarget(0)
        autoreportInterval = 0
        nextAutoreport = .infinity
        planner.clear()
        position = ToolPosition()
        activeTool = 0
        softEndstopsEnabled = true
        displayMessage = nil
        output.removeAll(keepingCapacity: true)
        appendBootBanner()
    }

    /// A line the firmware sends on its own (`sendLine`, `sendAction`).
    mutating func sendUnsolicited(_ line: String) {
        guard !isHalted else { return }
        output.appendText(line)
        output.append(UInt8(ascii: "\n"))
    }

    mutating func logExecution(_ command: ArraySlice<UInt8>) {
        log.append(command)
        stats.commandsExecuted += 1
    }
}
