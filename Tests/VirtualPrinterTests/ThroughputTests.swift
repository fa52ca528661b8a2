import GCode
import Glibc
import Testing
import VirtualPrinter

@Suite("Throughput of the virtual printer", .serialized, .timeLimit(.minutes(1)))
struct ThroughputTests {
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

    private func seconds(_ time: timeval) -> Double {
        Double(time.tv_sec) + Double(time.tv_usec) / 1e6
    }
}
