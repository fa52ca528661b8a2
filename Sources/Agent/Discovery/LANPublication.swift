import Foundation
import Logging
import Slicing
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
        case retry
        case stop
    }

    private struct Child {
        let generation: Int
        /// Runs the process; cancelling it sends SIGTERM, then SIGKILL after two seconds.
        let task: Task<Void, Never>
        let advertisement: LANAdvertisement
        var established = false
        var lastLine: String?
    }

    private let logger: Logger
    private let environment: [String: String]
    private let retryInterval: Duration
    private let establishTimeout: Duration
    private let events: AsyncStream<Event>
    private let sink: AsyncStream<Event>.Continuation

    private var desired: LANAdvertisement?
    private var child: Child?
    private var generation = 0
    private var stopping = false
    private var warned: Set<String> = []
    /// At most one pending timer of each kind, so that years of retries leave nothing behind.
    private var timers: [String: Task<Void, Never>] = [:]

    /// `environment` is set for the child on top of the agent's own (tests point `DBUS_SYSTEM_BUS_ADDRESS` at a
    /// bus of their own).
    public init(logger: Logger, environment: [String: String] = [:], retryInterval: Duration = .seconds(30),
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
        child?.task.cancel()
        for timer in timers.values { timer.cancel() }
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
                after(retryInterval, .retry, kind: "retry")
            }
        case .retry:
            if child == nil, !stopping { spawn() }
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

    /// `event` after `delay`, replacing the pending timer of the same `kind`.
    private func after(_ delay: Duration, _ event: Event, kind: String) {
        let sink = self.sink
        timers[kind]?.cancel()
        timers[kind] = Task {
            do { try await Task.sleep(for: delay) } catch { return }
            sink.yield(event)
        }
    }

    /// SIGTERM lets avahi-publish-service free its entry group, which sends the goodbyes; SIGKILL if it lingers.
    private func terminate(_ child: Child) {
        child.task.cancel()
    }

    /// Runs the child with the slicer's runner (`SlicerProcess`, on swift-subprocess, made for slicers but not tied
    /// to them): in a process group of its own, signals unblocked, both outputs drained line by line, SIGTERM to
    /// the group then SIGKILL when its task is cancelled. No nice level and no memory limit: it is small and must
    /// keep up.
    private func spawn() {
        guard let advertisement = desired else { return }
        let path = environment["PATH"] ?? ProcessInfo.processInfo.environment["PATH"]
        guard let executable = Self.find(AvahiPublishCommand.program, path: path) else {
            warnOnce("missing", "\(AvahiPublishCommand.program) is not installed (Debian: apt-get install avahi-utils avahi-daemon): the agent is not advertised on the LAN")
            return
        }
        generation += 1
        let generation = self.generation
        let sink = self.sink
        let environment = self.environment
        let logger = self.logger
        let task = Task {
            let status: Int32
            do {
                let outcome = try await SlicerProcess.run(
                    executable: executable, arguments: AvahiPublishCommand.arguments(for: advertisement),
                    environment: environment, workingDirectory: "/",
                    limits: SlicerProcessLimits(time: .seconds(10 * 365 * 24 * 3600), memoryBytes: nil, niceness: 0),
                    logger: logger
                ) { line, _ in
                    sink.yield(.childLine(generation: generation, String(line)))
                }
                switch outcome.ending {
                case .exited(let code): status = code
                case .signalled(let signal): status = 128 + signal
                }
            } catch {
                sink.yield(.childLine(generation: generation, "\(error)"))
                status = 127
            }
            sink.yield(.childExited(generation: generation, status: status))
        }
        child = Child(generation: generation, task: task, advertisement: advertisement)
        after(establishTimeout, .establishDeadline(generation: generation), kind: "establish")
    }

    static func find(_ program: String, path: String?) -> String? {
        for directory in (path ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":") {
            let candidate = "\(directory)/\(program)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}
