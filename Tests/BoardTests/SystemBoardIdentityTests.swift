import Foundation
import Testing
@testable import Board

private let piKernel = KernelIdentity(
    name: "Linux", release: "6.6.31+rpt-rpi-v8",
    version: "#1 SMP PREEMPT Debian 1:6.6.31-1+rpt1 (2024-05-29)", machine: "aarch64")

@Suite("Board identity")
struct SystemBoardIdentityTests {
    @Test(arguments: [
        // The device tree wins; its string ends in NUL.
        (Array("Raspberry Pi 4 Model B Rev 1.4\0".utf8), "Standard PC", "Raspberry Pi 4 Model B Rev 1.4"),
        (Array("Raspberry Pi Zero 2 W Rev 1.0\0".utf8), nil, "Raspberry Pi Zero 2 W Rev 1.0"),
        (Array("Radxa ROCK 5B\0".utf8), nil, "Radxa ROCK 5B"),
        // No device tree (a PC): the DMI product name, trimmed.
        (nil, "OptiPlex 7040\n", "OptiPlex 7040"),
        (nil, "Standard PC (Q35 + ICH9, 2009)\n", "Standard PC (Q35 + ICH9, 2009)"),
        // Template text the firmware vendor never replaced, or nothing at all.
        (nil, "To Be Filled By O.E.M.\n", "Linux"),
        (nil, "Default string\n", "Linux"),
        (nil, "System Product Name\n", "Linux"),
        ([0], "\n", "Linux"),
        (nil, nil, "Linux"),
    ] as [([UInt8]?, String?, String)])
    func choosesTheModel(deviceTree: [UInt8]?, dmi: String?, model: String) {
        let identity = BoardIdentity(
            deviceTreeModel: deviceTree, dmiProductName: dmi, machineIDFile: nil, hostname: "octopi", kernel: piKernel)
        #expect(identity.model == model)
    }

    @Test(arguments: [
        ("3d1219c7c4c5404aaa1f6d2a48adfda4\n", "3d1219c7c4c5404aaa1f6d2a48adfda4"),
        ("3D1219C7C4C5404AAA1F6D2A48ADFDA4", "3d1219c7c4c5404aaa1f6d2a48adfda4"),
        ("uninitialized\n", nil),
        ("", nil),
        ("00000000000000000000000000000000\n", nil),
        ("3d1219c7c4c5404aaa1f6d2a48adfda\n", nil),
        ("3d1219c7-c4c5-404a-aa1f-6d2a48adfda4\n", nil),
    ] as [(String, String?)])
    func readsTheMachineID(text: String, id: String?) {
        #expect(BoardIdentity.machineID(fileText: text) == id)
    }

    @Test func readsAPiFromAFixtureRoot() throws {
        let root = try SystemFixtureTree(files: [
            "proc/device-tree/model": Array("Raspberry Pi 5 Model B Rev 1.0\0".utf8),
            "etc/machine-id": Array("9c1d3a6a8f2e4b0b9a7c5d3e1f2a4b6c\n".utf8),
        ])
        defer { root.remove() }
        let identity = BoardIdentity.read(root: root.path)
        #expect(identity.model == "Raspberry Pi 5 Model B Rev 1.0")
        #expect(identity.machineID == "9c1d3a6a8f2e4b0b9a7c5d3e1f2a4b6c")
    }

    @Test func fallsBackToDMIAndTheDBusMachineID() throws {
        let root = try SystemFixtureTree(texts: [
            "sys/class/dmi/id/product_name": "NUC8i5BEH\n",
            "etc/machine-id": "uninitialized\n",
            "var/lib/dbus/machine-id": "0123456789abcdef0123456789abcdef\n",
        ])
        defer { root.remove() }
        let identity = BoardIdentity.read(root: root.path)
        #expect(identity.model == "NUC8i5BEH")
        #expect(identity.machineID == "0123456789abcdef0123456789abcdef")
    }

    @Test func sayingNothingGivesLinuxAndNoID() throws {
        let root = try SystemFixtureTree(files: [:])
        defer { root.remove() }
        let identity = BoardIdentity.read(root: root.path)
        #expect(identity.model == "Linux")
        #expect(identity.machineID == nil)
    }

    @Test func readsThisMachine() throws {
        let identity = BoardIdentity.read()
        #expect(!identity.model.isEmpty)
        let procHostname = try String(contentsOfFile: "/proc/sys/kernel/hostname", encoding: .utf8)
        #expect(identity.hostname == procHostname.trimmingCharacters(in: .newlines))
        let procRelease = try String(contentsOfFile: "/proc/sys/kernel/osrelease", encoding: .utf8)
        #expect(identity.kernel.release == procRelease.trimmingCharacters(in: .newlines))
        #expect(identity.kernel.name == "Linux")
        #expect(!identity.kernel.machine.isEmpty && !identity.kernel.version.isEmpty)
        if let text = try? String(contentsOfFile: "/etc/machine-id", encoding: .utf8) {
            #expect(identity.machineID == BoardIdentity.machineID(fileText: text))
        }
    }

    @Test func encodesToJSONAndBack() throws {
        let identity = BoardIdentity(
            model: "Raspberry Pi 4 Model B Rev 1.4", machineID: "3d1219c7c4c5404aaa1f6d2a48adfda4",
            hostname: "octopi", kernel: piKernel)
        #expect(try JSONDecoder().decode(BoardIdentity.self, from: JSONEncoder().encode(identity)) == identity)
    }
}
