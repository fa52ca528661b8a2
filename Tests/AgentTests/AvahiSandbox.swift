import ChildProcesses
import Foundation
import Glibc

/// A LAN of its own for the discovery tests: a network namespace whose only interface is a loopback with the
/// multicast flag on (the machine's own loopback and its real network are left alone), a D-Bus system bus on a
/// socket in a temporary directory, and an avahi-daemon on that bus serving the namespace. The daemon's pid
/// file goes to a tmpfs private to it, so a system avahi-daemon, if any, is not disturbed.
final class AvahiSandbox: @unchecked Sendable {
    static let programs = ["/usr/sbin/ip", "/usr/bin/dbus-daemon", "/usr/sbin/avahi-daemon", "/usr/bin/avahi-publish-service"]

    /// Why the sandbox cannot be made here, or nil when it can: root (for the namespace) and the programs that
    /// `.ci/run` installs (iproute2, dbus, avahi-daemon, avahi-utils).
    static let unavailableReason: String? = {
        if geteuid() != 0 { return "needs root to make a network namespace" }
        let missing = programs.filter { !FileManager.default.isExecutableFile(atPath: $0) }
        return missing.isEmpty ? nil : "missing \(missing.joined(separator: ", ")) (apt-get install iproute2 dbus avahi-daemon avahi-utils)"
    }()

    let namespace: String
    let directory: URL
    let busAddress: String
    private let bus: SandboxProcess
    private var avahi: SandboxProcess?

    /// The environment that points a program at the sandbox's bus.
    var busEnvironment: [String: String] { ["DBUS_SYSTEM_BUS_ADDRESS": busAddress] }

    /// Makes the namespace and starts the bus; `startAvahi` starts the daemon.
    static func make() async throws -> AvahiSandbox {
        let namespace = "3dp-lan-\(getpid())-\(UInt16.random(in: 0...UInt16.max))"
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(namespace)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try await run("/usr/sbin/ip", ["netns", "add", namespace])
        do {
            // Multicast on the namespace's loopback, and a route for the mDNS group through it.
            try await run("/usr/sbin/ip", ["-n", namespace, "link", "set", "lo", "up", "multicast", "on"])
            try await run("/usr/sbin/ip", ["-n", namespace, "route", "add", "224.0.0.0/4", "dev", "lo"])
            let socket = directory.appendingPathComponent("system_bus_socket").path
            try busConfiguration(socket: socket).write(to: directory.appendingPathComponent("bus.conf"), atomically: true, encoding: .utf8)
            try avahiConfiguration.write(to: directory.appendingPathComponent("avahi.conf"), atomically: true, encoding: .utf8)
            let bus = try SandboxProcess("/usr/bin/dbus-daemon", [
                "--config-file=" + directory.appendingPathComponent("bus.conf").path, "--nofork", "--print-address"])
            guard let address = await bus.line(within: .seconds(10), where: { $0.hasPrefix("unix:") }) else {
                await bus.stop()
                throw AgentTestError("dbus-daemon printed no address: \(bus.output)")
            }
            return AvahiSandbox(namespace: namespace, directory: directory, busAddress: address, bus: bus)
        } catch {
            try? await run("/usr/sbin/ip", ["netns", "del", namespace])
            throw error
        }
    }

    private init(namespace: String, directory: URL, busAddress: String, bus: SandboxProcess) {
        self.namespace = namespace
        self.directory = directory
        self.busAddress = busAddress
        self.bus = bus
    }

    /// Starts avahi-daemon in the namespace and waits until it serves.
    func startAvahi() async throws {
        let configuration = directory.appendingPathComponent("avahi.conf").path
        let daemon = try SandboxProcess("/usr/sbin/ip", [
            "netns", "exec", namespace, "sh", "-c",
            "mkdir -p /run/avahi-daemon && mount -t tmpfs tmpfs /run/avahi-daemon && exec avahi-daemon --no-drop-root --no-chroot -f \"$1\"",
            "sh", configuration,
        ], environment: busEnvironment)
        avahi = daemon
        guard await daemon.line(within: .seconds(15), where: { $0.contains("Server startup complete") }) != nil else {
            throw AgentTestError("avahi-daemon did not start: \(daemon.output)")
        }
    }

    /// A program run inside the namespace, on the sandbox's bus.
    func start(_ program: String, _ arguments: [String], environment: [String: String] = [:]) throws -> SandboxProcess {
        try SandboxProcess("/usr/sbin/ip", ["netns", "exec", namespace, program] + arguments,
                           environment: busEnvironment.merging(environment) { _, new in new })
    }

    func tearDown() async {
        if let avahi { await avahi.stop() }
        await bus.stop()
        try? await Self.run("/usr/sbin/ip", ["netns", "del", namespace])
        try? FileManager.default.removeItem(at: directory)
    }

    private static func run(_ program: String, _ arguments: [String]) async throws {
        let finished = await ChildProcess.run(program, arguments)
        guard finished.exit == ChildProcess.Exit(code: 0, signalled: false) else {
            throw AgentTestError("\(program) \(arguments.joined(separator: " ")) failed (\(finished.exit)): \(finished.standardError)")
        }
    }

    /// A system bus that lets everyone do everything: it serves only this test.
    private static func busConfiguration(socket: String) -> String {
        """
        <!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-BUS Bus Configuration 1.0//EN"
         "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
        <busconfig>
          <type>system</type>
          <listen>unix:path=\(socket)</listen>
          <auth>EXTERNAL</auth>
          <policy context="default">
            <allow user="*"/>
            <allow own="*"/>
            <allow send_type="method_call"/>
            <allow send_type="signal"/>
            <allow send_type="method_return"/>
            <allow send_type="error"/>
            <allow receive_type="method_call"/>
            <allow receive_type="signal"/>
            <allow receive_type="method_return"/>
            <allow receive_type="error"/>
          </policy>
        </busconfig>
        """
    }

    private static let avahiConfiguration = """
        [server]
        use-ipv4=yes
        use-ipv6=no
        allow-interfaces=lo
        enable-dbus=yes
        ratelimit-interval-usec=0
        [wide-area]
        enable-wide-area=no
        [publish]
        publish-hinfo=no
        publish-workstation=no
        """
}
