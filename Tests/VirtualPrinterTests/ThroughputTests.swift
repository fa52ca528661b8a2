import GCode
import Glibc
import Testing
import VirtualPrinter

// Nested in the pseudo-terminal suite so that it inherits `.serialized`: a throughput run would disturb the timing
// of the baud-rate tests if they ran side by side.
extension PseudoTerminalTests {
    @Suite("Throughput of the virtual printer")
    struct Throughput {
        /// A raw host keeping four short numbered G1 lines in flight on an unthrottled port, as a streaming host does
        /// with Marlin's BUFSIZE 4. Prints lines per second and the process CPU time per line (host included).
        @Test("short G1 lines with four in flight")
        func shortLines() throws {
            let count = 100_000
            let printer = try VirtualPrinter(configuration: VirtualPrinterConfiguration(resetOnOpen: false,
                                                                                       recordsCommands: false))
            try printer.start()
            defer { printer.stop() }
            let host = try TestHost(path: printer.devicePath)
            var digest = CommandDigest()
            digest.add("M110 N0")
            let lines: [[UInt8]] = (1...count).map { number in
                let command = "G1 X\(number % 200).\(number % 10) Y\(number % 150).5 E0.0\(number % 9)"
                digest.add(command)
                return HostLine.format(number: number, command: command)
            }
            host.send(0, "M110 N0")
            #expect(try host.readLine() == "ok")

            var usageBefore = rusage()
            getrusage(RUSAGE_SELF.rawValue, &usageBefore)
            let start = host.now()
            var next = 0, acknowledged = 0
            var batch: [UInt8] = []
            while acknowledged < count {
                batch.removeAll(keepingCapacity: true)
                while next < count, next - acknowledged < 4 {
                    batch.append(contentsOf: lines[next])
                    next += 1
                }
                if !batch.isEmpty { host.write(batch) }
                acknowledged += try host.countOKs(timeout: 5)
            }
            let elapsed = host.now() - start
            var usageAfter = rusage()
            getrusage(RUSAGE_SELF.rawValue, &usageAfter)
            let cpu = seconds(usageAfter.ru_utime) + seconds(usageAfter.ru_stime)
                - seconds(usageBefore.ru_utime) - seconds(usageBefore.ru_stime)

            let rate = Double(count) / elapsed
            print("virtual printer: \(Int(rate)) lines/s, \(Int(cpu / Double(count) * 1e6 * 10) / 10) µs CPU per line "
                  + "(host and printer), \(count) lines in \(elapsed) s")
            #expect(printer.executedCount == count + 1)
            #expect(printer.executedDigest == digest.value)
            #expect(printer.stats.resendsRequested == 0 && printer.stats.rxOverflowBytes == 0)
            // Debug builds are several times slower than release; the release figure is what the report quotes.
            #expect(rate > 5_000)
        }

        /// On an emulated 115200-baud link, a host that keeps as many lines in flight as the 128-byte receive buffer
        /// holds should find the link, not the simulator, to be the limit.
        @Test("a windowed host fills an emulated 115200-baud link")
        func linkUtilisation() throws {
            let baud = 115_200
            let configuration = VirtualPrinterConfiguration(baudRate: baud, resetOnOpen: false)
            let printer = try VirtualPrinter(configuration: configuration)
            try printer.start()
            defer { printer.stop() }
            let host = try TestHost(path: printer.devicePath)
            let lines: [[UInt8]] = (1...400).map {
                HostLine.format(number: $0, command: "G1 X\($0 % 200).5 Y\($0 % 90).25")
            }
            var inFlight: [Int] = []
            var bytesInFlight = 0, next = 0, acknowledged = 0, sent = 0
            let start = host.now()
            while acknowledged < lines.count {
                var batch: [UInt8] = []
                while next < lines.count, bytesInFlight + lines[next].count <= 127 {
                    batch += lines[next]
                    bytesInFlight += lines[next].count
                    inFlight.append(lines[next].count)
                    next += 1
                }
                if !batch.isEmpty {
                    host.write(batch)
                    sent += batch.count
                }
                let oks = try host.countOKs(timeout: 5)
                for _ in 0..<oks { bytesInFlight -= inFlight.removeFirst() }
                acknowledged += oks
            }
            let elapsed = host.now() - start
            let utilisation = Double(sent) / (elapsed * Double(baud) / 10)
            print("virtual printer at \(baud) baud: \(Int(utilisation * 1000) / 10)% of the link carried G-code")
            #expect(utilisation > 0.95)
            #expect(printer.executedCount == lines.count)
        }

        private func seconds(_ time: timeval) -> Double {
            Double(time.tv_sec) + Double(time.tv_usec) / 1e6
        }
    }
}
