import GCode
import Testing
@testable import VirtualPrinter

/// The virtual printer talks like Marlin 2.1 (see `Tests/GCodeTests/MarlinReplyTable.swift` for the sources), and the
/// host's parser reads every such line as what it is.
@Suite("The simulated firmware speaks Marlin 2.1")
struct MarlinDialectTests {
    @Test("after a reset: start, the banner, the welcome notification and the end of any old prompt")
    func bootBanner() {
        var bench = FirmwareBench(VirtualPrinterConfiguration(machineType: "Test Rig"))
        bench.controller.reset(at: bench.time)
        let boot = bench.replies()
        #expect(boot.first == "start")
        #expect(boot.suffix(2) == ["//action:notification Test Rig Ready.", "//action:prompt_end"])
        #expect(FirmwareReply.parse(Array(boot[boot.count - 2].utf8)) == .action(.notification("Test Rig Ready.")))
        #expect(FirmwareReply.parse(Array(boot[boot.count - 1].utf8)) == .action(.promptEnd))
    }

    @Test("M211 and M115's area line give the host the build volume")
    func buildVolume() {
        var bench = FirmwareBench(VirtualPrinterConfiguration(buildVolume: .init(x: 235, y: 230, z: 250)))
        bench.send("M211\nM115\n")
        let replies = bench.replies().map { FirmwareReply.parse(Array($0.utf8)) }
        let volume = Millimetres3(x: 235, y: 230, z: 250)
        let origin = Millimetres3(x: 0, y: 0, z: 0)
        #expect(replies.contains(.softEndstops(SoftEndstops(enabled: nil, min: origin, max: volume))))
        #expect(replies.contains(.printArea(PrintArea(full: .init(min: origin, max: volume), work: .init(min: origin, max: volume)))))
    }

    @Test("M109 reports with a leading space and W:?, keeps busy every two seconds, and M108 gets an ok of its own")
    func heatingThenM108() throws {
        var bench = FirmwareBench()
        bench.send("M109 S200\n")
        bench.wait(2.5)
        let heating = bench.replies()
        #expect(heating.filter { $0 == "echo:busy: processing" }.count == 1, "\(heating)")
        let reports = heating.filter { $0.hasPrefix(" T:") }
        #expect(reports.count >= 2, "\(heating)")
        for line in reports {
            #expect(line.hasSuffix(" W:?"))
            guard case .temperature(let report) = FirmwareReply.parse(Array(line.utf8)) else {
                Issue.record("\(line) is no temperature report")
                continue
            }
            #expect(report.isWaiting && report.hotends[0]?.target == 200)
        }
        // The emergency parser ends the wait at once: M109's ok, then M108's own from the queue.
        bench.send("M108\n")
        bench.wait(0.01)
        #expect(bench.replies() == ["ok", "ok"])
        #expect(bench.log == ["M109 S200", "M108"])
    }

    @Test("G28 keeps busy every two seconds until its ok")
    func homingBusy() {
        var bench = FirmwareBench(VirtualPrinterConfiguration(homingDuration: 5))
        bench.send("G28\n")
        bench.wait(5.5)
        #expect(bench.replies() == ["echo:busy: processing", "echo:busy: processing", "ok"])
    }
}
