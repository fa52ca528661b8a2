import Foundation
import Glibc

/// What the board says about itself: the agent's half of `service.discover` and of the system ID
/// (3D-HSF-01.1).
public struct BoardIdentity: Sendable, Equatable, Codable {
    /// "Raspberry Pi 4 Model B Rev 1.4" from the device tree; a PC's DMI product name; else "Linux".
    public var model: String
    /// /etc/machine-id: 32 lowercase hex digits, stable across reboots and unique per installation;
    /// nil when the file is missing or not yet initialised (systemd's first boot writes
    /// "uninitialized"). machine-id(5) asks that it not be sent over a network as it is: expose a
    /// keyed hash of it (HMAC-SHA-256 with an application key, as sd_id128_get_machine_app_specific
    /// does) rather than the ID itself.
    public var machineID: String?
    public var hostname: String
    public var kernel: KernelIdentity

    public init(model: String, machineID: String?, hostname: String, kernel: KernelIdentity) {
        self.model = model
        self.machineID = machineID
        self.hostname = hostname
        self.kernel = kernel
    }

    /// From the raw file contents: the device tree's model (NUL-terminated bytes), the DMI product
    /// name, the machine-id file's text.
    public init(
        deviceTreeModel: [UInt8]?, dmiProductName: String?, machineIDFile: String?, hostname: String,
        kernel: KernelIdentity
    ) {
        let model = Self.deviceTreeText(deviceTreeModel) ?? dmiProductName.flatMap(Self.meaningfulDMI) ?? "Linux"
        self.init(model: model, machineID: machineIDFile.flatMap(Self.machineID(fileText:)), hostname: hostname, kernel: kernel)
    }

    /// Device-tree strings end in NUL; an empty one says nothing.
    static func deviceTreeText(_ bytes: [UInt8]?) -> String? {
        guard let bytes else { return nil }
        let text = String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? nil : text
    }

    /// Firmware of cheap boards and mini PCs leaves the vendor's template text in DMI.
    static let placeholderProductNames: Set<String> = [
        "to be filled by o.e.m.", "system product name", "default string", "not applicable",
        "not specified", "none", "o.e.m.", "oem", "type1productconfigid", "invalid", "all series",
    ]

    static func meaningfulDMI(_ text: String) -> String? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, !placeholderProductNames.contains(trimmed.lowercased()) else { return nil }
        return trimmed
    }

    /// The ID if the file holds one: 32 hex digits on the first line.
    static func machineID(fileText text: String) -> String? {
        let id = text.prefix { $0 != "\n" }.trimmingCharacters(in: .whitespaces).lowercased()
        guard id.utf8.count == 32, id.allSatisfy(\.isHexDigit), id.contains(where: { $0 != "0" }) else { return nil }
        return id
    }

    /// `root` is where /proc, /sys and /etc are looked for; hostname and kernel are the live ones.
    public static func read(root: String = "/") -> BoardIdentity {
        BoardIdentity(
            deviceTreeModel: SystemFile.bytes("proc/device-tree/model", under: root),
            dmiProductName: SystemFile.text("sys/class/dmi/id/product_name", under: root),
            machineIDFile: SystemFile.text("etc/machine-id", under: root).flatMap { machineID(fileText: $0) }
                ?? SystemFile.text("var/lib/dbus/machine-id", under: root),
            hostname: currentHostname(),
            kernel: .current())
    }

    static func currentHostname() -> String {
        var name = [CChar](repeating: 0, count: 256)
        guard gethostname(&name, name.count - 1) == 0 else { return "" }
        return String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// uname(2): "Linux", "6.6.31+rpt-rpi-v8", "#1 SMP PREEMPT Debian 1:6.6.31-1+rpt1 (2024-05-29)", "aarch64".
public struct KernelIdentity: Sendable, Equatable, Codable {
    public var name: String
    public var release: String
    public var version: String
    public var machine: String

    public init(name: String, release: String, version: String, machine: String) {
        self.name = name
        self.release = release
        self.version = version
        self.machine = machine
    }

    public static func current() -> KernelIdentity {
        var names = utsname()
        guard uname(&names) == 0 else { return KernelIdentity(name: "Linux", release: "", version: "", machine: "") }
        return KernelIdentity(
            name: text(of: names.sysname), release: text(of: names.release),
            version: text(of: names.version), machine: text(of: names.machine))
    }

    private static func text<Field>(of field: Field) -> String {
        withUnsafeBytes(of: field) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
    }
}
