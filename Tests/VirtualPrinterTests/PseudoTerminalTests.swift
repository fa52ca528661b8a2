import Foundation
import GCode
import Glibc
import Testing
import VirtualPrinter

@Suite("The virtual printer on a pseudo-terminal", .serialized, .timeLimit(.minutes(1)))
struct PseudoTerminalTests {
    static func running(_ configuration: VirtualPrinterConfiguration = VirtualPrinterConfiguration()) throws
        -> VirtualPrinter {
        let printer = try VirtualPrinter(configuration: configuration)
        try printer.start()
        return printer
    }

    @Test("a board that resets on open greets with start; the port is raw, without echo")
    func greeting() throws {
        let printer = try Self.running()
        defer { printer.stop() }
        let host = try TestHost(path: printer.devicePath)
        #expect(try host.readLine() == "start")
        var settings = termios()
        #expect(tcgetattr(host.descriptor, &settings) == 0)
        #expect(settings.c_lflag & tcflag_t(ECHO | ICANON) == 0)
        #expect(settings.c_cflag & tcflag_t(CSIZE) == tcflag_t(CS8))
        let banner = try host.readLines { $0 == "//action:prompt_end" }
        #expect(banner.first == "echo:Marlin 2.1.2.4")
        #expect(banner.dropLast().last == "//action:notification Virtual Marlin Ready.")
        host.send("M105\n")
        #expect(try host.readLine().hasPrefix("ok T:22.00 /0.00 B:22.00 /0.00"))
        #expect(printer.isHostConnected)
    }

    @Test("a native-USB board stays silent until spoken to")
    func noResetOnOpen() throws {
        let printer = try Self.running(VirtualPrinterConfiguration(resetOnOpen: false))
        defer { printer.stop() }
        let host = try TestHost(path: printer.devicePath)
        host.send("M115\n")
        #expect(try host.readLine().hasPrefix("FIRMWARE_NAME:Marlin 2.1.2.4"))
        #expect(printer.stats.resets == 0)
    }

    @Test("numbered lines with four in flight are executed once each, in order, and logged to the file")
    func numberedLines() throws {
        let logFile = FileManager.default.temporaryDirectory.appendingPathComponent("vp-\(getpid())-log.gcode").path
        defer { unlink(logFile) }
        let printer = try Self.running(VirtualPrinterConfiguration(resetOnOpen: false, logFile: logFile))
        let host = try TestHost(path: printer.devicePath)
        let commands = ["M110 N0"] + (1...500).map { "G1 X\($0 % 220) Y\($0 % 13).5 E0.01" }
        // Marlin sets the line number again when M110 runs, so lines sent behind it would be numbered from the
        // wrong base: a host waits for M110's ok before it keeps lines in flight.
        host.send(0, commands[0])
        #expect(try host.readLine() == "ok")
        var next = 1, acknowledged = 1
        while acknowledged < commands.count {
            while next < commands.count, next - acknowledged < 4 {
                host.send(next, commands[next])
                next += 1
            }
            if try host.readLine() == "ok" { acknowledged += 1 }
        }
        #expect(printer.executedCommands == commands)
        #expect(printer.executedCount == commands.count)
        var digest = CommandDigest()
        commands.forEach { digest.add($0) }
        #expect(printer.executedDigest == digest.value)
        printer.stop()
        let logged = try String(contentsOfFile: logFile, encoding: .utf8)
        #expect(logged == commands.joined(separator: "\n") + "\n")
    }

    @Test("errors, resends and the ok after them reach the host")
    func resendOverThePort() throws {
        let printer = try Self.running(VirtualPrinterConfiguration(resetOnOpen: false))
        defer { printer.stop() }
        let host = try TestHost(path: printer.devicePath)
        host.send(1, "G1 X1")
        host.send("N2 G1 X2*0\n")
        #expect(try host.readLines { $0.hasPrefix("Resend:") }.suffix(2)
            == ["Error:checksum mismatch, Last Line: 1", "Resend: 2"])
        host.send(1, "G1 X1")
        #expect(try host.readLines { $0.hasPrefix("Resend:") }.suffix(2)
            == ["Error:Line Number is not Last Line Number+1, Last Line: 1", "Resend: 2"])
        host.send(2, "M400")
        _ = try host.readLines { $0 == "ok" && printer.executedCount == 2 }
        #expect(printer.executedCommands == ["G1 X1", "M400"])
    }

    @Test("M109 sends progress lines with W: and busy messages, then ok; G28 is busy while homing")
    func longCommands() throws {
        let printer = try Self.running(VirtualPrinterConfiguration(resetOnOpen: false, timeScale: 50))
        defer { printer.stop() }
        let host = try TestHost(path: printer.devicePath)
        host.send("M109 S40\n")
        let heating = try host.readLines { $0 == "ok" }
        #expect(heating.first == " T:22.00 /40.00 B:22.00 /0.00 @:127 B@:0 W:?")
        #expect(heating.contains { $0.hasPrefix(" T:") && $0.hasSuffix(" W:5") })
        #expect(heating.contains("echo:busy: processing"))
        #expect(abs(printer.hotendTemperatures[0].actual - 40) < 3)
        host.send("G28\n")
        #expect(try host.readLines { $0 == "ok" } == ["echo:busy: processing", "ok"])
    }

    @Test("M112 halts the printer until a reset")
    func emergencyStop() throws {
        let printer = try Self.running(VirtualPrinterConfiguration(resetOnOpen: false))
        defer { printer.stop() }
        let host = try TestHost(path: printer.devicePath)
        #expect(!printer.waitUntilHalted(timeout: 0.05), "a printer nobody stopped does not halt")
        host.send("G4 S30\nM112\n")
        #expect(printer.waitUntilHalted())
        #expect(try host.readLine() == "Error:Printer halted. kill() called!")
        host.send("M105\n")
        #expect(throws: TestHost.ReadError.timedOut) { try host.readLine(timeout: 0.2) }
        printer.reset()
        #expect(try host.readLine() == "start")
        #expect(!printer.isHalted)
    }

    @Test("the emergency parser ends a heat-up while the queue is full")
    func emergencyParserWithFullQueue() throws {
        let printer = try Self.running(VirtualPrinterConfiguration(resetOnOpen: false))
        defer { printer.stop() }
        let host = try TestHost(path: printer.devicePath)
        host.send("M109 S220\n" + (1...6).map { "G1 X\($0)\n" }.joined())
        #expect(try host.readLine().hasSuffix("W:?"))
        host.send("M108\n")
        let replies = try host.readLines { _ in printer.executedCount == 8 }
        _ = replies
        var oks = replies.filter { $0 == "ok" }.count
        while oks < 8 {
            if try host.readLine() == "ok" { oks += 1 }
        }
        #expect(printer.executedCommands.last == "M108")
        #expect(printer.hotendTemperatures[0].actual < 40)
    }

    @Test("a host that floods the port loses bytes to the full receive buffer")
    func receiveOverflow() throws {
        let printer = try Self.running(VirtualPrinterConfiguration(resetOnOpen: false, timeScale: 10))
        defer { printer.stop() }
        let host = try TestHost(path: printer.devicePath)
        let lines = (1...100).map { HostLine.format(number: $0, command: "G1 X\($0)") }
        let flood = "G4 S2\n" + String(decoding: lines.joined(), as: UTF8.self)
        host.send(flood)
        _ = try host.readLines { $0 == "ok" }
        let stats = printer.stats
        #expect(stats.bytesReceived == flood.utf8.count)
        #expect(stats.rxOverflowBytes > flood.utf8.count / 2)
    }

    @Test("injected faults in both directions are counted near their rate and every line still runs once")
    func errorInjection() throws {
        let rates = VirtualPrinterConfiguration.ErrorRates(hostToPrinter: 0.05, printerToHost: 0.05)
        let printer = try Self.running(VirtualPrinterConfiguration(resetOnOpen: false, errorRate: rates, seed: 3))
        defer { printer.stop() }
        let host = try TestHost(path: printer.devicePath)
        let commands = (1...600).map { "G1 X\($0 % 100) Y\($0 % 9)" }
        var next = 1, sent = 0
        while next <= commands.count {
            host.send(next, commands[next - 1])
            sent += 1
            // Ping-pong: wait for this line's answer, which ends in an ok (possibly damaged) after any resend request.
            var resend: Int?
            while true {
                let line = try host.readLine(timeout: 0.5)
                if line.hasPrefix("Resend: ") { resend = Int(line.dropFirst(8)) }
                if line.count <= 3 && (line.hasPrefix("o") || line.hasSuffix("k")) { break }
            }
            next = resend ?? next + 1
        }
        #expect(printer.executedCommands == commands)
        let faults = printer.stats.injectedFaults
        #expect(abs(Double(faults.hostToPrinter) - 0.05 * Double(sent)) < 4 * (0.05 * Double(sent)).squareRoot())
        #expect(faults.printerToHost > 0)
    }

    @Test("bytes cross an emulated link at baud/10 per second", arguments: [(115_200, 6_000), (1_000_000, 40_000)])
    func baudRate(baud: Int, bytes: Int) throws {
        let printer = try Self.running(VirtualPrinterConfiguration(baudRate: baud, resetOnOpen: false))
        defer { printer.stop() }
        let host = try TestHost(path: printer.devicePath)
        // Comment lines leave the receive buffer as fast as they arrive, so the wire alone sets the pace.
        let comment = ";" + String(repeating: "x", count: 58) + "\n"
        let payload = String(repeating: comment, count: bytes / comment.utf8.count) + "M400\n"
        let start = host.now()
        host.send(payload)
        #expect(try host.readLine() == "ok")
        let elapsed = host.now() - start
        let expected = Double(payload.utf8.count + 3) / (Double(baud) / 10)
        #expect(abs(elapsed - expected) / expected < 0.05, "took \(elapsed) s, expected \(expected) s")
    }

    @Test("replies leave an emulated link at baud/10 per second")
    func baudRateOutgoing() throws {
        let printer = try Self.running(VirtualPrinterConfiguration(baudRate: 57_600, resetOnOpen: false))
        defer { printer.stop() }
        let host = try TestHost(path: printer.devicePath)
        host.send("M115\n")
        _ = try host.readLine()
        let start = host.now()
        let rest = try host.readLines { $0 == "ok" }
        let elapsed = host.now() - start
        let expected = Double(rest.reduce(0) { $0 + $1.utf8.count + 1 }) / 5_760
        #expect(abs(elapsed - expected) / expected < 0.05, "took \(elapsed) s, expected \(expected) s")
    }

    @Test("pulling the cable makes the host's read fail and removes the link")
    func unplug() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vp-\(getpid())-by-id").path
        let link = directory + "/usb-Virtual_Marlin_0001-if00"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let printer = try Self.running(VirtualPrinterConfiguration(byIdLink: link))
        defer { printer.stop() }
        #expect(printer.linkPath == link)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == printer.devicePath)
        let host = try TestHost(path: link)
        #expect(try host.readLine() == "start")
        printer.unplug()
        #expect(throws: TestHost.ReadError.portClosed) { try host.readLines(timeout: 2) { _ in false } }
        #expect(access(link, F_OK) != 0)
        printer.stop()
        printer.stop()
    }

    @Test("a host that reconnects to a resetting board is greeted again; actions and lines reach it")
    func reconnect() throws {
        let printer = try Self.running()
        defer { printer.stop() }
        do {
            let host = try TestHost(path: printer.devicePath)
            #expect(try host.readLine() == "start")
        }
        #expect(printer.waitForHost(connected: false))
        let host = try TestHost(path: printer.devicePath)
        #expect(try host.readLine() == "start")
        _ = try host.readLines { $0 == "//action:prompt_end" } // the banner's last line
        printer.sendAction("pause")
        printer.sendLine("echo:hello")
        #expect(try host.readLine() == "//action:pause")
        #expect(try host.readLine() == "echo:hello")
        printer.injectFault(.thermalRunaway(heater: "bed"))
        #expect(try host.readLine() == "Error:Thermal Runaway, system stopped! Heater_ID: bed")
        #expect(try host.readLine() == "Error:Printer halted. kill() called!")
        #expect(printer.stats.resets == 2)
    }

    @Test("a printer released without stop() shuts its thread down")
    func releaseWithoutStop() throws {
        var printer: VirtualPrinter? = try Self.running()
        let path = printer!.devicePath
        printer = nil
        // The pseudo-terminal is gone with its master.
        #expect(open(path, O_RDWR | O_NOCTTY) < 0)
    }
}
