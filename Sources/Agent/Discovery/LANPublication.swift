import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Logging
import ThreeDPProtocol

/// Keeps the agent's DNS-SD advertisement on the LAN through avahi: an `avahi-publish-service` child that holds
/// the records for as long as it runs. avahi withdraws them (with goodbye packets) when the child ends, however it
/// ends, so the agent stops it with itself and starts a new one when the records change. Under systemd the
/// child is in the agent's cgroup, so even a crashed agent does not leave it advertising a dead endpoint.
///
/// Problems are logged once each, not at every retry: avahi-utils not installed, avahi-daemon not running (the
/// child then waits for it), the child ending on its own (tried again after `retryInterval`).
public actor LANPublication {
    enum Event: Sendable {
        case advertise(LANAdvertisement)
        case childLine(generation: Int, String)
        case childExited(generation: Int, status: Int32)
        case establishDeadline(generation: Int)
        case killDeadline(generation: Int)
        case retry
        case stop
    }

    private struct Child {
        let generation: Int
        let process: Process
        let advertisement: LANAdvertisement
        var established = false
        var lastLine: String?
    }

    private let logger: Logger
    private let environment: [String: String]?
    private let retryInterval: Duration
    private let establishTimeout: Duration
    private let events: AsyncStream<Event>
    private let sink: AsyncStream<Event>.Continuation

    private var desired: LANAdvertisement?
    private var child: Child?
    private var generation = 0
    private var stopping = false
    private var warned: Set<String> = []
    private var timers: [Task<Void, Never>] = []

    /// `environment` replaces the agent's for the child (tests point `DBUS_SYSTEM_BUS_ADDRESS` at their own bus);
    /// nil passes the agent's on.
    public init(logger: Logger, environment: [String: String]? = nil, retryInterval: Duration = .seconds(30),
                establishTimeout: Duration = .seconds(5)) {
        self.logger = logger
        self.environment = environment
        self.retryInterval = retryInterval
        self.establishTimeout = establishTimeout
        (events, sink) = AsyncStream.makeStream(of: Event.self)
    }

    /// Publishes `advertisement`, replacing what was published when it differs.
    public nonisolated func advertise(_ advertisement: LANAdvertisement) {
        sink.yield(.advertise(advertisement))
    }

    /// Withdraws the advertisement and ends `run` once the child has gone.
    public nonisolated func stop() {
        sink.yield(.stop)
    }

    /// Runs until `stop` (or cancellation, which kills the child at once).
    public func run() async {
        for await event in events {
            if handle(event) { break }
        }
        if let child, child.process.isRunning { kill(child.process.processIdentifier, SIGKILL) }
        for timer in timers { timer.cancel() }
    }

    /// Returns true when the run is over.
    private func handle(_ event: Event) -> Bool {
        switch event {
        case .advertise(let advertisement):
            guard advertisement != desired, !stopping else { return false }
            desired = advertisement
            if let child { terminate(child) } else { spawn() }
        case .childLine(let generation, let line):
            guard child?.generation == generation else { return false }
            switch AvahiPublishCommand.report(line) {
            case .established(let name):
                child?.established = true
                warned.remove("daemon")
                let port = child.map { String($0.advertisement.port) } ?? "?"
                logger.notice("advertised on the LAN as '\(name)' (DNS-SD \(LANAdvertisement.serviceType), port \(port))")
            case .other(let text):
                child?.lastLine = text
                logger.debug("avahi-publish-service: \(text)")
            }
        case .establishDeadline(let generation):
            guard let child, child.generation == generation, !child.established else { return false }
            warnOnce("daemon", "avahi-daemon is not running: the agent is not advertised on the LAN until it starts (avahi-publish-service waits for it)")
        case .childExited(let generation, let status):
            guard let ended = child, ended.generation == generation else { return false }
            child = nil
            if stopping { return true }
            if ended.advertisement != desired {
                spawn()
            } else {
                let reason = ended.lastLine.map { ": \($0)" } ?? ""
                warnOnce("exit" + reason, "avahi-publish-service ended with status \(status)\(reason); the agent is not advertised on the LAN, trying again every \(retryInterval)")
                after(retryInterval, .retry)
            }
        case .retry:
            if child == nil, !stopping { spawn() }
        case .killDeadline(let generation):
            if let child, child.generation == generation { kill(child.process.processIdentifier, SIGKILL) }
        case .stop:
            stopping = true
            guard let child else { return true }
            terminate(child)
        }
        return false
    }

    private func warnOnce(_ key: String, _ message: String) {
        guard warned.insert(key).inserted else { return }
        logger.warning("\(message)")
    }

    private func after(_ delay: Duration, _ event: Event) {
        let sink = self.sink
        timers.removeAll { $0.isCancelled }
        timers.append(Task {
            do { try await Task.sleep(for: delay) } catch { return }
            sink.yield(event)
        })
    }

    /// SIGTERM lets avahi-publish-service free its entry group, which sends the goodbyes; SIGKILL if it lingers.
    private func terminate(_ child: Child) {
        kill(child.process.processIdentifier, SIGTERM)
        after(.seconds(2), .killDeadline(generation: child.generation))
    }

    private func spawn() {
        guard let advertisement = desired else { return }
        let environment = self.environment ?? ProcessInfo.processInfo.environment
        guard let executable = Self.find(AvahiPublishCommand.program, path: environment["PATH"]) else {
            warnOnce("missing", "\(AvahiPublishCommand.program) is not installed (Debian: apt-get install avahi-utils avahi-daemon): the agent is not advertised on the LAN")
            return
        }
        generation += 1
        let generation = self.generation
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = AvahiPublishCommand.arguments(for: advertisement)
        process.environment = environment
        let output = Pipe()
        let errors = Pipe()
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = output
        process.standardError = errors
        let sink = self.sink
        // The exit is reported once the process has ended and both pipes are drained, so its last words are in.
        let endings = ChildEndings(parts: 3) { status in sink.yield(.childExited(generation: generation, status: status)) }
        process.terminationHandler = { process in endings.ended(status: process.terminationStatus) }
        do {
            try process.run()
        } catch {
            warnOnce("spawn", "\(executable) could not be started (\(error)): the agent is not advertised on the LAN")
            return
        }
        for pipe in [output, errors] {
            LineReader.start(pipe.fileHandleForReading) { line in
                sink.yield(.childLine(generation: generation, line))
            } ended: {
                endings.ended(status: nil)
            }
        }
        child = Child(generation: generation, process: process, advertisement: advertisement)
        after(establishTimeout, .establishDeadline(generation: generation))
    }

    static func find(_ program: String, path: String?) -> String? {
        for directory in (path ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":") {
            let candidate = "\(directory)/\(program)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}
