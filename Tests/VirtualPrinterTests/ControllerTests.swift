import GCode
import Testing
@testable import VirtualPrinter

/// The firmware without a pseudo-terminal: bytes in at chosen times, reply lines out.
struct FirmwareBench {
    var controller: MarlinController
    var time = 0.0

    init(_ configuration: VirtualPrinterConfiguration = VirtualPrinterConfiguration()) {
        controller = MarlinController(configuration: configuration, now: 0)
    }

    mutating func send(_ text: String) {
        controller.receive(Array(text.utf8), at: time)
    }

    mutating func send(_ number: Int, _ command: String) {
        controller.receive(HostLine.format(number: number, command: command), at: time)
    }

    /// Lets `seconds` pass in steps, as the printer's loop would wake for its deadlines.
    mutating func wait(_ seconds: Double, step: Double = 0.01) {
        let end = time + seconds
        while time < end {
            time = min(end, time + step)
            controller.advance(to: time)
        }
    }

    mutating func replies() -> [String] {
        var bytes: [UInt8] = []
        controller.drainOutput(into: &bytes)
        return String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
            .dropLast().map(String.init)
    }

    var log: [String] { controller.log.commands }
}

@Suite("The simulated firmware")
struct ControllerTests {
    @Test("numbered lines run in order, each answered by one ok")
    func numberedLines() {
        var bench = FirmwareBench()
        bench.send(0, "M110 N0")
        for number in 1...5 { bench.send(number, "G1 X\(number)") }
        #expect(bench.replies() == Array(repeating: "ok", count: 6))
        #expect(bench.log == ["M110 N0", "G1 X1", "G1 X2", "G1 X3", "G1 X4", "G1 X5"])
        #expect(bench.controller.lastLineNumber == 5)
    }

    @Test("bad lines are refused with Error, Resend and ok", arguments: [
        ("N2 G1 X2*0\n", "Error:checksum mismatch, Last Line: 1"),
        ("N2 G1 X2\n", "Error:No Checksum with line number, Last Line: 1"),
        (String(decoding: HostLine.format(number: 3, command: "G1 X2"), as: UTF8.self),
         "Error:Line Number is not Last Line Number+1, Last Line: 1"),
    ])
    func refusedLine(line: String, error: String) {
        var bench = FirmwareBench()
        bench.send(1, "G1 X1")
        #expect(bench.replies() == ["ok"])
        bench.send(line)
        #expect(bench.replies() == [error, "Resend: 2", "ok"])
        #expect(bench.log == ["G1 X1"])
        #expect(bench.controller.stats.resendsRequested == 1)
        bench.send(2, "G1 X2")
        #expect(bench.replies() == ["ok"])
        #expect(bench.log == ["G1 X1", "G1 X2"])
    }

    @Test("without okAfterResend only Resend follows the error")
    func resendWithoutOK() {
        var bench = FirmwareBench(VirtualPrinterConfiguration(okAfterResend: false))
        bench.send("N1 G28*0\n")
        #expect(bench.replies() == ["Error:checksum mismatch, Last Line: 0", "Resend: 1"])
    }

    @Test("a line that comes again after running is refused by number, not run twice")
    func duplicateLine() {
        var bench = FirmwareBench()
        for number in 1...3 { bench.send(number, "G1 X\(number)") }
        _ = bench.replies()
        bench.send(2, "G1 X2")
        #expect(bench.replies() == ["Error:Line Number is not Last Line Number+1, Last Line: 3", "Resend: 4", "ok"])
        #expect(bench.log == ["G1 X1", "G1 X2", "G1 X3"])
    }

    @Test("a refused line empties the receive buffer; a line cut by that is dropped when its rest arrives")
    func resendDrainsReceiveBuffer() {
        var bench = FirmwareBench()
        let good = String(decoding: HostLine.format(number: 1, command: "G1 X1"), as: UTF8.self)
        let next = String(decoding: HostLine.format(number: 3, command: "G1 X3"), as: UTF8.self)
        bench.send(good + "N2 G1 X2*0\n" + next + String(next.prefix(6)))
        #expect(bench.replies() == ["Error:checksum mismatch, Last Line: 1", "Resend: 2", "ok", "ok"])
        bench.send(String(next.dropFirst(6)))
        #expect(bench.replies() == [])
        #expect(bench.log == ["G1 X1"])
        bench.send(2, "G1 X2")
        bench.send(3, "G1 X3")
        #expect(bench.replies() == ["ok", "ok"])
        #expect(bench.log == ["G1 X1", "G1 X2", "G1 X3"])
    }

    @Test("unnumbered lines are accepted unchecked, with or without a checksum")
    func unnumbered() {
        var bench = FirmwareBench()
        bench.send("G1 X5*99\nM400\n")
        #expect(bench.replies() == ["ok", "ok"])
        #expect(bench.log == ["G1 X5", "M400"])
    }

    @Test("ADVANCED_OK reports the command's line number, free planner blocks and free queue slots")
    func advancedOK() {
        var bench = FirmwareBench(VirtualPrinterConfiguration(advancedOK: true))
        bench.send(1, "G1 X1")
        #expect(bench.replies() == ["ok N1 P15 B3"])
        bench.send(String(decoding: (2...5).flatMap { HostLine.format(number: $0, command: "G1 X\($0)") },
                          as: UTF8.self))
        #expect(bench.replies() == ["ok N2 P15 B0", "ok N3 P15 B1", "ok N4 P15 B2", "ok N5 P15 B3"])
        bench.send("M400\n")
        #expect(bench.replies() == ["ok P15 B3"])
    }

    @Test("M105, M115, M211, M114 answer like Marlin 2.1")
    func reports() {
        var bench = FirmwareBench(VirtualPrinterConfiguration(machineType: "Test Rig", uuid: "abc"))
        bench.send("M105\n")
        #expect(bench.replies() == ["ok T:22.00 /0.00 B:22.00 /0.00 @:0 B@:0"])
        bench.send("M115\n")
        let firmware = bench.replies()
        #expect(firmware.first == "FIRMWARE_NAME:Marlin 2.1.2.4 (3dp-agent virtual printer) "
            + "SOURCE_CODE_URL:github.com/MarlinFirmware/Marlin PROTOCOL_VERSION:1.0 MACHINE_TYPE:Test Rig "
            + "EXTRUDER_COUNT:1 UUID:abc")
        #expect(firmware.last == "ok")
        for capability in ["Cap:AUTOREPORT_TEMP:1", "Cap:EMERGENCY_PARSER:1", "Cap:HOST_ACTION_COMMANDS:1",
                           "Cap:PROMPT_SUPPORT:1", "Cap:SDCARD:0", "Cap:THERMAL_PROTECTION:1", "Cap:ARCS:1",
                           "Cap:EXTENDED_M20:0", "Cap:SERIAL_XON_XOFF:0", "Cap:EEPROM:1"] {
            #expect(firmware.contains(capability), "missing \(capability)")
        }
        // M115_GEOMETRY_REPORT closes the capability report (Marlin/src/gcode/host/M115.cpp).
        #expect(firmware.dropLast().last == "area:{full:{min:{x:0.00,y:0.00,z:0.00},max:{x:220.00,y:220.00,z:250.00}},"
            + "work:{min:{x:0.00,y:0.00,z:0.00},max:{x:220.00,y:220.00,z:250.00}}}")
        // Marlin 2.1's M211_report: the state, then the limits, no `echo:`.
        bench.send("M211\n")
        #expect(bench.replies() == ["  M211 S1 ; ON", "  Min:  X0.00 Y0.00 Z0.00   Max:  X220.00 Y220.00 Z250.00", "ok"])
        bench.send("M211 S0\nM211\n")
        #expect(bench.replies() == ["ok", "  M211 S0 ; OFF", "  Min:  X0.00 Y0.00 Z0.00   Max:  X220.00 Y220.00 Z250.00", "ok"])
        bench.send("G1 X10 Y20.5 Z0.3 E1.25\nM114\n")
        #expect(bench.replies() == ["ok", "X:10.00 Y:20.50 Z:0.30 E:1.25 Count X:800 Y:1640 Z:120", "ok"])
    }

    @Test("two hotends report T0/T1 and @0/@1; an invalid tool is refused")
    func twoHotends() {
        var bench = FirmwareBench(VirtualPrinterConfiguration(hotendCount: 2))
        bench.send("M104 T1 S200\nM105\nT2\nM104 T5 S100\n")
        #expect(bench.replies() == [
            "ok",
            "ok T:22.00 /0.00 B:22.00 /0.00 T0:22.00 /0.00 T1:22.00 /200.00 @:0 B@:0 @0:0 @1:127",
            "echo:T2 Invalid extruder", "ok",
            "echo:M104 Invalid extruder 5", "ok",
        ])
    }

    @Test("M109 reports ' T:… W:' every second and answers ok once the residency has passed")
    func heatAndWait() {
        var bench = FirmwareBench(VirtualPrinterConfiguration(temperatureResidency: 2))
        bench.send("M109 S30\nG1 X1\n")
        var replies: [String] = []
        var okAt: Double?
        while bench.time < 20, okAt == nil {
            bench.wait(0.05)
            let new = bench.replies()
            if new.contains("ok") { okAt = bench.time }
            replies += new
        }
        #expect(replies.first == " T:22.00 /30.00 B:22.00 /0.00 @:127 B@:0 W:?")
        let progress = replies.filter { $0.hasPrefix(" T:") }
        #expect(progress.allSatisfy { $0.contains(" W:") })
        #expect(progress.contains { $0.hasSuffix(" W:1") })
        #expect(replies.contains("echo:busy: processing"))
        // 2 s flat out to 26 °C, about 2.8 s to come within a degree, 2 s of residency.
        #expect(okAt.map { $0 > 6.5 && $0 < 7.5 } == true)
        #expect(abs(bench.controller.hotends[0].temperature - 30) < 1)
        bench.wait(0.05)
        #expect(bench.log == ["M109 S30", "G1 X1"])
    }

    @Test("M190 waits for the bed the same way")
    func bedHeatAndWait() {
        var bench = FirmwareBench(VirtualPrinterConfiguration(temperatureResidency: 0))
        bench.send("M190 S30\n")
        #expect(bench.replies() == [" T:22.00 /0.00 B:22.00 /30.00 @:0 B@:127 W:?"])
        var okAt: Double?
        while bench.time < 30, okAt == nil {
            bench.wait(0.05)
            if bench.replies().contains("ok") { okAt = bench.time }
        }
        // 10 s flat out to 27 °C, then 6 × ln 3 ≈ 6.6 s to come within a degree.
        #expect(okAt.map { $0 > 16 && $0 < 17.5 } == true)
    }

    @Test("M109 S does not wait for cooling; M109 R does")
    func coolingWait() {
        var bench = FirmwareBench(VirtualPrinterConfiguration(temperatureResidency: 0))
        bench.controller.hotends[0].setTemperature(100)
        bench.send("M109 S50\n")
        #expect(bench.replies() == ["ok"])
        bench.send("M109 R50\n")
        #expect(bench.replies().first?.hasSuffix("W:?") == true)
        bench.wait(1)
        #expect(!bench.replies().contains("ok"))
    }

    @Test("long commands keep the host informed with busy messages every two seconds", arguments: [
        ("G28", 3.0, "echo:busy: processing"),
        ("G29", 10.0, "echo:busy: processing"),
        ("G4 S5", 5.0, "echo:busy: processing"),
        ("G4 P2500", 2.5, "echo:busy: processing"),
        ("M0 S3", 3.0, "echo:busy: paused for user"),
    ])
    func busy(command: String, duration: Double, message: String) {
        var bench = FirmwareBench()
        bench.send(command + "\nM105\n")
        var replies = bench.replies()
        var okAt: Double?
        while bench.time < duration + 1, okAt == nil {
            bench.wait(0.01)
            let new = bench.replies()
            if new.contains("ok") { okAt = bench.time }
            replies += new
        }
        #expect(okAt.map { abs($0 - duration) < 0.02 } == true)
        // One every two seconds of the command, none at the moment it ends.
        #expect(replies.filter { $0 == message }.count == Int((duration - 0.001) / 2))
        #expect(bench.log.first == command)
    }

    @Test("the time scale runs the firmware clock faster")
    func timeScale() {
        var bench = FirmwareBench(VirtualPrinterConfiguration(timeScale: 20))
        bench.send("G28\n")
        bench.wait(0.16)
        #expect(bench.replies() == ["echo:busy: processing", "ok"]) // at 2 and 3 firmware seconds
        bench.send("M104 S200\n")
        bench.wait(1)
        #expect(abs(bench.controller.hotends[0].temperature - 62) < 0.1) // 20 s of heating at 2 °C/s
    }

    @Test("a new target applies from the moment it arrives, however long the firmware sat idle before")
    func targetFromArrival() {
        var bench = FirmwareBench()
        bench.time = 100 // no wake-ups in between
        bench.send("M104 S200\n")
        bench.wait(1)
        #expect(abs(bench.controller.hotends[0].temperature - 24) < 0.01)
    }

    @Test("M0 waits for M108 and shows a host prompt; M876 answers it")
    func pauseForUser() {
        var bench = FirmwareBench()
        bench.send("M0 Remove the print\n")
        #expect(bench.replies() == ["//action:prompt_end", "//action:prompt_begin Remove the print",
                                    "//action:prompt_button Continue", "//action:prompt_show"])
        bench.wait(4.1)
        #expect(bench.replies() == ["echo:busy: paused for user", "echo:busy: paused for user"])
        bench.send("M108\n")
        #expect(bench.replies() == ["ok", "ok"])
        bench.send("M600\n")
        _ = bench.replies()
        bench.send("M876 S0\n")
        #expect(bench.replies() == ["ok", "ok"])
        #expect(bench.controller.promptResponses == [0])
    }

    @Test("M112 halts the printer: the error, then silence until a reset")
    func emergencyStop() {
        var bench = FirmwareBench()
        bench.send("M104 S200\n")
        bench.send(1, "M112")
        #expect(bench.replies() == ["ok", "Error:Printer halted. kill() called!"])
        #expect(bench.controller.isHalted && bench.controller.hotends[0].target == 0)
        bench.send("M105\n")
        bench.wait(3)
        #expect(bench.replies() == [])
        bench.controller.reset(at: bench.time)
        #expect(bench.replies().first == "start")
        bench.send(1, "M105")
        #expect(bench.replies().first?.hasPrefix("ok T:") == true)
    }

    @Test("with the emergency parser, M108 ends a heat-up even when the queue is full")
    func emergencyParserWithFullQueue() {
        var bench = FirmwareBench()
        var stream = "M109 S200\n"
        for number in 1...6 { stream += "G1 X\(number)\n" }
        bench.send(stream)
        bench.wait(1)
        #expect(!bench.replies().contains("ok"))
        #expect(bench.controller.queue.isFull)
        bench.send("M108\n")
        bench.wait(0.01)
        #expect(bench.replies().filter { $0 == "ok" }.count == 8)
        #expect(bench.log == ["M109 S200"] + (1...6).map { "G1 X\($0)" } + ["M108"])
        #expect(bench.controller.hotends[0].temperature < 30)
    }

    @Test("without the emergency parser, M108 behind a full queue cannot reach the firmware")
    func noEmergencyParser() {
        var bench = FirmwareBench(VirtualPrinterConfiguration(emergencyParser: false))
        var stream = "M109 S200\n"
        for number in 1...6 { stream += "G1 X\(number)\n" }
        bench.send(stream + "M108\n")
        bench.wait(2)
        #expect(!bench.replies().contains("ok"))
        // An unnumbered M108 that gets into the queue area acts early, as in Marlin's non-EP path.
        var idle = FirmwareBench(VirtualPrinterConfiguration(emergencyParser: false, temperatureResidency: 0))
        idle.send("M109 S200\n")
        idle.wait(0.5)
        idle.send("M108\n")
        idle.wait(0.01)
        #expect(idle.replies().filter { $0 == "ok" }.count == 2)
        #expect(idle.controller.hotends[0].temperature < 30)
    }

    @Test("bytes that arrive while the receive buffer is full are lost")
    func receiveOverflow() {
        var bench = FirmwareBench()
        bench.send("G4 S10\n")
        let lines = (1...20).map {
            String(decoding: HostLine.format(number: $0, command: "G1 X\($0) Y1"), as: UTF8.self)
        }
        let flood = lines.joined()
        bench.send(flood)
        // Three lines fill the queue behind G4; 128 bytes wait in the buffer; the rest is lost.
        let queued = lines.prefix(3).joined().utf8.count
        #expect(bench.controller.stats.receiveOverflowBytes == flood.utf8.count - queued - 128)
        bench.wait(10.1)
        // The complete lines in the buffer run in order; the line the buffer cut waits for an ending that was lost.
        var kept = 0, bytes = 0
        for line in lines.dropFirst(3) where bytes + line.utf8.count <= 128 {
            bytes += line.utf8.count
            kept += 1
        }
        #expect(bytes < 128, "the buffer should end inside a line")
        #expect(bench.log == ["G4 S10"] + (1...(3 + kept)).map { "G1 X\($0) Y1" })
        _ = bench.replies()
        // The host's next line ends the cut one; together they fail their checksum and the firmware asks again.
        bench.send(4 + kept, "G1 X0")
        #expect(bench.replies() == ["Error:checksum mismatch, Last Line: \(3 + kept)", "Resend: \(4 + kept)", "ok"])
    }

    @Test("unknown commands are echoed like Marlin's, then ok")
    func unknownCommands() {
        var bench = FirmwareBench(VirtualPrinterConfiguration(autoreportTemperature: false))
        bench.send(1, "G999 X1")
        bench.send("M155 S2\nFOO\n")
        #expect(bench.replies() == ["echo:Unknown command: \"G999 X1\"", "ok", "echo:Unknown command: \"M155 S2\"",
                                    "ok", "echo:Unknown command: \"FOO\"", "ok"])
    }

    @Test("M155 reports temperatures on the firmware clock until S0")
    func autoreport() {
        var bench = FirmwareBench()
        bench.send("M155 S1\n")
        #expect(bench.replies() == ["ok"])
        bench.wait(3.05)
        #expect(bench.replies() == Array(repeating: " T:22.00 /0.00 B:22.00 /0.00 @:0 B@:0", count: 3))
        bench.send("M155 S0\n")
        bench.wait(3)
        #expect(bench.replies() == ["ok"])
    }

    @Test("M117 sets the display message; M118 echoes to the host", arguments: [
        ("M118 A1 action:pause", "//action:pause"),
        ("M118 E1 Hello", "echo:Hello"),
        ("M118 Hello there", "Hello there"),
        ("M118 //action:cancel", "//action:cancel"),
        ("M118 E1 A1 action:notification Layer 2", "echo://action:notification Layer 2"),
    ])
    func messages(command: String, echoed: String) {
        var bench = FirmwareBench()
        bench.send("M117 Code 1234\n" + command + "\n")
        #expect(bench.replies() == ["ok", echoed, "ok"])
        #expect(bench.controller.displayMessage == "Code 1234")
    }

    @Test("a reset greets with start and forgets the line number, the queue and the heaters")
    func reset() {
        var bench = FirmwareBench()
        bench.send(1, "M104 S200")
        bench.send("G4 S5\nG1 X1\n")
        _ = bench.replies()
        bench.controller.reset(at: bench.time)
        let banner = bench.replies()
        #expect(banner.first == "start")
        // Marlin 2.1's banner: `echo:` lines, then the welcome notification and `prompt_end` (MarlinDialectTests).
        #expect(banner.dropFirst().allSatisfy { $0.hasPrefix("echo:") || $0.hasPrefix("//action:") })
        #expect(bench.controller.lastLineNumber == 0 && bench.controller.queue.isEmpty)
        #expect(bench.controller.hotends[0].target == 0)
        bench.send(1, "G1 X2")
        #expect(bench.replies() == ["ok"])
    }

    @Test("a thermal fault reports the heater and halts")
    func thermalFault() {
        var bench = FirmwareBench()
        bench.controller.inject(.thermalRunaway(heater: "0"))
        #expect(bench.replies() == ["Error:Thermal Runaway, system stopped! Heater_ID: 0",
                                    "Error:Printer halted. kill() called!"])
        #expect(bench.controller.isHalted)
    }

    @Test("with a move time scale, moves take time through a 15-block planner and M400 waits for them")
    func plannedMoves() {
        var bench = FirmwareBench(VirtualPrinterConfiguration(advancedOK: true, moveTimeScale: 1))
        bench.send("G1 X10 F600\n") // 10 mm at 10 mm/s: one second
        #expect(bench.replies() == ["ok P14 B3"])
        bench.send("M400\n")
        bench.wait(0.9)
        #expect(bench.replies() == [])
        bench.wait(0.2)
        #expect(bench.replies() == ["ok P15 B3"])
    }

    @Test("injected host-side faults are caught and resent until every line ran once, in order")
    func exactlyOnceWithFaults() {
        let configuration = VirtualPrinterConfiguration(errorRate: .init(hostToPrinter: 0.1, printerToHost: 0.05),
                                                        seed: 7)
        var bench = FirmwareBench(configuration)
        let commands = (1...2000).map { "G1 X\($0 % 100) Y\($0 % 7)" }
        var next = 1
        var sent = 0
        while next <= commands.count, sent < 10_000 {
            bench.send(next, commands[next - 1])
            sent += 1
            let replies = bench.replies()
            if let resend = replies.first(where: { $0.hasPrefix("Resend: ") }), let line = Int(resend.dropFirst(8)) {
                next = line
            } else if replies.contains("ok") || !replies.contains(where: { $0.hasPrefix("Error:") }) {
                // A damaged `ok` still means the line ran: this host only resends when asked.
                next += 1
            }
        }
        #expect(bench.log == commands)
        let faults = bench.controller.stats.injectedFaults
        // Damaged replies make this host jump or resend out of turn, which costs extra resend requests.
        #expect(bench.controller.stats.resendsRequested >= faults.hostToPrinter)
        #expect(abs(Double(faults.hostToPrinter) - 0.1 * Double(sent)) < 4 * (0.09 * Double(sent)).squareRoot())
        #expect(faults.printerToHost > 0)
    }
}
