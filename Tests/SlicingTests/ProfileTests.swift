import Foundation
import Testing
@testable import Slicing

@Suite struct ProfileTests {
    let volume = PrintableVolume(x: 250, y: 210, z: 220.5)

    @Test func prusaSlicerBedFromTheVolume() throws {
        let text = try PrusaSlicerAdapter().profile(base: SlicerKind.prusaSlicer.genericProfile, printerProfile: nil, volume: volume)
        let profile = try IniProfile(text: text)
        #expect(profile["bed_shape"] == "0x0,250x0,250x210,0x210")
        #expect(profile["max_print_height"] == "220.5")
        #expect(profile["nozzle_diameter"] == "0.4")
        #expect(profile["layer_height"] == "0.2")
        #expect(profile["filament_type"] == "PLA")
        // Complete: PrusaSlicer would take missing keys from a 3MF.
        #expect(profile.entries.count > 250)
    }

    @Test func printerProfileOverridesKeyByKey() throws {
        let printer = "# my printer\nlayer_height = 0.3\nbed_shape = 0x0,180x0,180x180,0x180\n\ntemperature=205\n"
        let profile = try IniProfile(text: try PrusaSlicerAdapter().profile(base: SlicerKind.prusaSlicer.genericProfile,
                                                                             printerProfile: printer, volume: volume))
        #expect(profile["layer_height"] == "0.3")
        #expect(profile["bed_shape"] == "0x0,180x0,180x180,0x180")
        #expect(profile["temperature"] == "205")
        #expect(profile["max_print_height"] == "220.5")
    }

    @Test func iniRefusesWhatIsNotKeyValue() {
        #expect(throws: SlicingFailure.profile("line 2 is not `key = value`: layer_height 0.2")) {
            _ = try IniProfile(text: "a = 1\nlayer_height 0.2\n")
        }
    }

    @Test func slic3rBed() throws {
        let profile = try IniProfile(text: try Slic3rAdapter().profile(base: SlicerKind.slic3r.genericProfile, printerProfile: nil, volume: volume))
        #expect(profile["bed_shape"] == "0x0,250x0,250x210,0x210")
        #expect(profile["nozzle_diameter"] == "0.4")
    }

    @Test func curaEngineFlatDefinition() throws {
        let text = try CuraEngineAdapter().profile(base: SlicerKind.curaEngine.genericProfile,
                                                   printerProfile: #"{"layer_height": 0.15, "machine_height": 150}"#, volume: volume)
        let flat = try FlatCuraDefinition(text: text)
        #expect(flat["machine_width"] as? Double == 250)
        #expect(flat["machine_depth"] as? Double == 210)
        #expect(flat["machine_height"] as? Double == 150)
        #expect(flat["layer_height"] as? Double == 0.15)
        #expect(flat["center_object"] as? Bool == true)
        #expect(flat["machine_nozzle_size"] as? Double == 0.4)
        #expect(flat.count > 500)
        // Every setting is a plain default_value: no formulas for CuraEngine to ignore.
        #expect(!text.contains("\"value\""))
    }

    @Test func curaRefusesWhatIsNotJSON() {
        #expect(throws: SlicingFailure.self) { _ = try FlatCuraDefinition(text: "layer_height = 0.2") }
    }
}

@Suite struct CuraHeaderTests {
    @Test func realHeaderFromStandardError() throws {
        var collector = CuraHeader.Collector()
        for line in try ModelFixtures.fixture("curaengine-4.13-stderr.txt").split(separator: "\n") { collector.consume(line) }
        let header = try #require(collector.header)
        #expect(header.lines.first == ";FLAVOR:Marlin")
        #expect(header.lines.contains(";TIME:1420"))
        #expect(header.lines.contains(";Filament used: 1.88817m"))
        #expect(header.lines.count == 10)

        let fileHead: [Substring] = [";FLAVOR:Marlin", ";TIME:6666", ";Filament used: 0m", ";Layer height: 0.2",
                                     ";MINX:2.14748e+06", ";MINY:2.14748e+06", ";MINZ:2.14748e+06", ";MAXX:-2.14748e+06",
                                     ";MAXY:-2.14748e+06", ";MAXZ:-2.14748e+06", "", ";Generated with Cura_SteamEngine 4.13.0", "M140 S60"]
        let fixed = header.replacing(in: fileHead)
        #expect(fixed == header.lines + ["", ";Generated with Cura_SteamEngine 4.13.0", "M140 S60"])
        #expect(!fixed.contains(";TIME:6666"))
    }

    @Test func noHeaderWithoutItsEnd() {
        var collector = CuraHeader.Collector()
        collector.consume("Gcode header after slicing:")
        collector.consume(";TIME:5")
        #expect(collector.header == nil)
    }
}

@Suite struct SlicerDiscoveryTests {
    @Test func versions() {
        #expect(SlicerDiscovery.parseVersion(.prusaSlicer, output: "[trace] x\nPrusaSlicer-2.5.0+UNKNOWN based on Slic3r (with GUI support)\n") == "2.5.0")
        #expect(SlicerDiscovery.parseVersion(.curaEngine, output: "\nCura_SteamEngine version 4.13.0\nCopyright (C) 2021 Ultimaker\n") == "4.13.0")
        #expect(SlicerDiscovery.parseVersion(.slic3r, output: "1.3.0\n") == "1.3.0")
        #expect(SlicerDiscovery.parseVersion(.slic3r, output: "usage\n") == nil)
    }

    @Test func choices() {
        #expect(SlicerChoice(configured: "auto") == .automatic)
        #expect(SlicerChoice(configured: "curaengine") == .kind(.curaEngine))
        #expect(SlicerChoice(configured: "cura") == nil)
    }

    @Test func automaticPrefersPrusaSlicerAndSaysWhatIsMissing() async throws {
        let directory = try ModelFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        await #expect(throws: SlicingFailure.slicerMissing("none of PrusaSlicer, CuraEngine or Slic3r is installed (Debian: apt-get install prusa-slicer, cura-engine or slic3r)")) {
            _ = try await SlicerDiscovery.find(.automatic, searchPath: directory)
        }
        for name in ["slic3r", "CuraEngine"] {
            try "#!/bin/sh\necho 9.9.9\n".write(toFile: "\(directory)/\(name)", atomically: true, encoding: .utf8)
            chmod("\(directory)/\(name)", 0o755)
        }
        let found = try await SlicerDiscovery.find(.automatic, searchPath: directory)
        #expect(found.kind == .curaEngine)
        #expect(found.executablePath == "\(directory)/CuraEngine")
        await #expect(throws: SlicingFailure.self) { _ = try await SlicerDiscovery.find(.kind(.prusaSlicer), searchPath: directory) }
        await #expect(throws: SlicingFailure.self) { _ = try await SlicerDiscovery.find(.kind(.slic3r), path: "\(directory)/nothing", searchPath: directory) }
        #expect(try await SlicerDiscovery.find(.kind(.slic3r), path: "\(directory)/slic3r").version == "9.9.9")
    }
}
