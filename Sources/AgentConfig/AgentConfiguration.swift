import Content
import Logging
import ServiceScope

/// Everything the agent reads from its configuration file, with the defaults filled in and the values checked.
public struct AgentConfiguration: Sendable, Equatable {
    /// [agent] name: how the agent introduces itself in service.discover.
    public var name: String
    /// [agent] state_directory: pairings, the print queue and the spool live here.
    public var stateDirectory: String
    /// [agent] log_level.
    public var logLevel: Logger.Level
    /// [endpoint] listen: where the 3DP-1 endpoint accepts connections.
    public var listen: ListenAddress
    /// [endpoint] allowed_origins, max_connections, max_connections_per_address: who may connect, and how much.
    public var endpointAccess: EndpointAccessSettings
    /// [endpoint] tls: nil when the file does not say; see `servesTLS`.
    public var endpointTLS: Bool?
    /// [events]
    public var events: EventSettings
    /// [printers] and the [[printer]] entries.
    public var printers: PrinterSettings
    /// [content]
    public var content: ContentSpoolSettings
    /// The [[content_server]] entries: the only servers content is fetched from.
    public var contentServers: [TrustedContentServer]
    /// [slicing]
    public var slicing = SlicingConfiguration()
    /// [discovery]
    public var discovery = DiscoverySettings()

    public init(
        name: String,
        stateDirectory: String,
        logLevel: Logger.Level,
        listen: ListenAddress,
        events: EventSettings,
        printers: PrinterSettings,
        content: ContentSpoolSettings = ContentSpoolSettings(),
        contentServers: [TrustedContentServer] = [],
        endpointAccess: EndpointAccessSettings = EndpointAccessSettings()
    ) {
        self.endpointAccess = endpointAccess
        self.name = name
        self.stateDirectory = stateDirectory
        self.logLevel = logLevel
        self.listen = listen
        self.events = events
        self.printers = printers
        self.content = content
        self.contentServers = contentServers
    }

    /// The configuration of an agent started without a file.
    public static func defaults(stateDirectory: String, hostname: String) -> AgentConfiguration {
        AgentConfiguration(
            name: defaultName(hostname: hostname),
            stateDirectory: stateDirectory,
            logLevel: .info,
            listen: .default,
            events: EventSettings(),
            printers: PrinterSettings())
    }

    /// Whether the endpoint serves `https://` and `wss://`. Without `[endpoint] tls`, it does exactly when it
    /// listens beyond loopback: an access token sent over the network is encrypted by default, while an agent on
    /// 127.0.0.1 (the built-in default, the demo, the tests) stays plain `http://` and `ws://`, which nobody else
    /// can read there.
    public var servesTLS: Bool {
        endpointTLS ?? !Self.isLoopback(listen.host)
    }

    static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }

    static func defaultName(hostname: String) -> String {
        "3dp-agent on \(hostname)"
    }
}

/// [endpoint], beyond `listen`: the bounds on who may connect to the 3DP-1 endpoint, and how much.
public struct EndpointAccessSettings: Sendable, Equatable {
    /// allowed_origins: web origins (`https://manager.example.com`) whose pages may call the endpoint from a
    /// browser, besides the agent's own; requests without `Origin` (not from a browser) are always allowed.
    public var allowedOrigins: [String]
    /// max_connections: connections held at once in all.
    public var maxConnections: Int
    /// max_connections_per_address: connections held at once from one client address.
    public var maxConnectionsPerAddress: Int

    public init(allowedOrigins: [String] = [], maxConnections: Int = 256, maxConnectionsPerAddress: Int = 32) {
        self.allowedOrigins = allowedOrigins
        self.maxConnections = maxConnections
        self.maxConnectionsPerAddress = maxConnectionsPerAddress
    }
}

/// [events]: how callbacks reach Manager plug-ins.
public struct EventSettings: Sendable, Equatable {
    /// status_interval: how often printer.status callbacks go out while printing.
    public var statusInterval: Duration
    /// client_queue: callbacks held for one client before it is disconnected as too slow.
    public var clientQueue: Int
    /// poll_subscription_ttl: a long-polling subscription not polled for this long is dropped.
    public var pollSubscriptionTTL: Duration

    public init(
        statusInterval: Duration = .seconds(1), clientQueue: Int = 256, pollSubscriptionTTL: Duration = .seconds(120)
    ) {
        self.statusInterval = statusInterval
        self.clientQueue = clientQueue
        self.pollSubscriptionTTL = pollSubscriptionTTL
    }
}

/// [printers] and [[printer]]: which printers the agent serves and how it talks to them.
public struct PrinterSettings: Sendable, Equatable {
    /// autodetect: serve every likely USB printer when no [[printer]] is listed.
    public var autodetect: Bool
    /// baud: the rate for printers that do not set their own.
    public var baud: Int
    /// reconnect_interval: the wait before opening a port again after the link was lost or failed to open.
    public var reconnectInterval: Duration
    /// The [[printer]] entries, in file order, with the defaults of [printers] applied.
    public var entries: [PrinterEntry]

    public init(
        autodetect: Bool = true, baud: Int = 115_200, reconnectInterval: Duration = .seconds(2),
        entries: [PrinterEntry] = []
    ) {
        self.autodetect = autodetect
        self.baud = baud
        self.reconnectInterval = reconnectInterval
        self.entries = entries
    }

    /// Listed printers replace autodetection: with an entry in the file, only the listed ports are opened.
    public var servesAutodetectedPrinters: Bool {
        autodetect && entries.isEmpty
    }
}

/// [slicing]: how 3D models become G-code on the board.
public struct SlicingConfiguration: Sendable, Equatable {
    public static let slicerNames = ["auto", "prusaslicer", "curaengine", "slic3r", "off"]

    /// slicer: `auto` takes the first installed of PrusaSlicer, CuraEngine, Slic3r; `off` slices nothing.
    public var slicer: String
    /// path: the named slicer's program when it is not on PATH.
    public var path: String?
    /// time_limit: a slice still running after this is stopped.
    public var timeLimit: Duration
    /// memory_limit_mb: the slicer's address space (RLIMIT_AS).
    public var memoryLimitMegabytes: Int

    public init(slicer: String = "auto", path: String? = nil, timeLimit: Duration = .seconds(3600),
                memoryLimitMegabytes: Int = 2048) {
        self.slicer = slicer
        self.path = path
        self.timeLimit = timeLimit
        self.memoryLimitMegabytes = memoryLimitMegabytes
    }
}
