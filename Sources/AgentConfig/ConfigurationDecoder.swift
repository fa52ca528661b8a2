import Content
import Jobs
import Logging
import ServiceScope

/// Turns a parsed configuration file into an `AgentConfiguration`: every key known, typed and in range,
/// every default filled in.
enum ConfigurationDecoder {
    static let sectionKeys: [String: [String]] = [
        "agent": ["name", "state_directory", "log_level"],
        "endpoint": ["listen", "allowed_origins", "max_connections", "max_connections_per_address", "tls"],
        "events": ["status_interval", "client_queue", "poll_subscription_ttl"],
        "printers": ["autodetect", "baud", "reconnect_interval"],
        "content": ["spool_quota_mb", "reserve_mb", "download_attempts", "download_min_rate_kib", "download_allowance"],
        "slicing": ["slicer", "path", "time_limit", "memory_limit_mb"],
        "discovery": ["enabled", "name"],
    ]

    static let contentServerKeys = ["url", "name", "allow_plain_http", "ca_file"]

    /// Sections written [[name]], one per item.
    static let arraySections = ["printer", "content_server"]

    static let printerKeys = [
        "id", "port", "baud", "name", "max_lines_in_flight", "ack_timeout", "build_volume", "slicer_profile",
    ] + infoKeys.map(\.key)

    private static let infoKeys: [(key: String, field: WritableKeyPath<PrinterInfoOverrides, String?> & Sendable)] = [
        ("product_name", \.productName),
        ("manufacturer", \.manufacturer),
        ("model_number", \.modelNumber),
        ("firmware_revision", \.firmwareRevision),
        ("serial_number", \.serialNumber),
        ("software_revision", \.softwareRevision),
        ("hardware_revision", \.hardwareRevision),
        ("part_number", \.partNumber),
        ("protocol_revision", \.protocolRevision),
    ]

    /// Baud rates from the slowest any printer firmware offers to the fastest USB-serial bridges take.
    static let baudRange = 1200...4_000_000

    static func decode(_ root: TOMLTable, source: String, defaultStateDirectory: String, hostname: String)
        throws(ConfigurationError) -> AgentConfiguration
    {
        var configuration = AgentConfiguration.defaults(stateDirectory: defaultStateDirectory, hostname: hostname)
        var sections: [String: TOMLTable] = [:]
        var printerTables: [TOMLTable] = []
        var contentServerTables: [TOMLTable] = []
        for entry in root.entries {
            switch (entry.key, entry.value) {
            case ("printer", .tableArray(let tables)):
                printerTables = tables
            case ("content_server", .tableArray(let tables)):
                contentServerTables = tables
            case (let name, .table) where arraySections.contains(name):
                throw ConfigurationError(
                    source: source, line: entry.keyPosition.line,
                    message: "write [[\(name)]] (one such section per \(name == "printer" ? "printer" : "server")), not [\(name)]")
            case (let name, .table(let table)) where sectionKeys[name] != nil:
                sections[name] = table
            case (let name, .tableArray) where sectionKeys[name] != nil:
                throw ConfigurationError(
                    source: source, line: entry.keyPosition.line,
                    message: "[\(name)] is a single section; write [\(name)], not [[\(name)]]")
            case (let name, .table), (let name, .tableArray):
                var message = "unknown section '\(name)'"
                if let suggestion = KeySuggestion.closest(to: name, among: Array(sectionKeys.keys) + arraySections) {
                    message += "; did you mean [\(arraySections.contains(suggestion) ? "[\(suggestion)]" : suggestion)]?"
                }
                throw ConfigurationError(source: source, line: entry.keyPosition.line, message: message)
            case (let key, _):
                var message = "'\(key)' is outside any section"
                if let home = sectionKeys.first(where: { $0.value.contains(key) })?.key {
                    message += "; it belongs under [\(home)]"
                } else if printerKeys.contains(key) {
                    message += "; it belongs under [[printer]]"
                } else if contentServerKeys.contains(key) {
                    message += "; it belongs under [[content_server]]"
                }
                throw ConfigurationError(
                    source: source, line: entry.keyPosition.line, column: entry.keyPosition.column, message: message)
            }
        }
        let empty = TOMLTable(position: TOMLPosition(line: 1, column: 1))
        func reader(_ name: String) throws(ConfigurationError) -> SectionReader {
            try SectionReader(
                table: sections[name] ?? empty, context: "[\(name)]", source: source, knownKeys: sectionKeys[name]!)
        }

        let agent = try reader("agent")
        configuration.name = try agent.text("name") ?? configuration.name
        configuration.stateDirectory =
            try agent.absolutePath("state_directory", example: "/var/lib/3dp-agent") ?? configuration.stateDirectory
        if let level = try agent.string("log_level") {
            guard let parsed = Logger.Level(rawValue: level) else {
                let names = Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")
                throw agent.problem(agent.table["log_level"]!, "'log_level' in [agent] must be one of \(names), not '\(level)'")
            }
            configuration.logLevel = parsed
        }

        let endpoint = try reader("endpoint")
        if let listen = try endpoint.string("listen") {
            do {
                configuration.listen = try ListenAddress.parse(listen)
            } catch {
                throw endpoint.problem(endpoint.table["listen"]!, "'listen' in [endpoint]: \(error)")
            }
        }
        if let origins = try endpoint.strings("allowed_origins", expected: "an array of origins") {
            for origin in origins where !isOrigin(origin) {
                throw endpoint.problem(
                    endpoint.table["allowed_origins"]!,
                    "'allowed_origins' in [endpoint] holds \"\(origin)\", which is not an origin like \"https://manager.example.com\" or \"http://192.168.1.20:8080\" (scheme, host and port only)")
            }
            configuration.endpointAccess.allowedOrigins = origins
        }
        configuration.endpointAccess.maxConnections =
            try endpoint.integer("max_connections", in: 8...16384) ?? configuration.endpointAccess.maxConnections
        configuration.endpointAccess.maxConnectionsPerAddress =
            try endpoint.integer("max_connections_per_address", in: 1...16384) ?? configuration.endpointAccess.maxConnectionsPerAddress
        configuration.endpointTLS = try endpoint.boolean("tls")

        let events = try reader("events")
        configuration.events.statusInterval =
            try events.seconds("status_interval", in: 0...60, aboveZero: true) ?? configuration.events.statusInterval
        configuration.events.clientQueue =
            try events.integer("client_queue", in: 8...65536) ?? configuration.events.clientQueue
        configuration.events.pollSubscriptionTTL =
            try events.seconds("poll_subscription_ttl", in: 5...3600) ?? configuration.events.pollSubscriptionTTL

        let printers = try reader("printers")
        configuration.printers.autodetect = try printers.boolean("autodetect") ?? configuration.printers.autodetect
        configuration.printers.baud = try printers.integer("baud", in: baudRange) ?? configuration.printers.baud
        configuration.printers.reconnectInterval =
            try printers.seconds("reconnect_interval", in: 0.1...300) ?? configuration.printers.reconnectInterval

        var entries: [PrinterEntry] = []
        var lines: [Int] = []
        for (offset, table) in printerTables.enumerated() {
            let reader = try SectionReader(
                table: table, context: "[[printer]] \(offset + 1)", source: source, knownKeys: printerKeys)
            let entry = try printerEntry(reader, defaultBaud: configuration.printers.baud)
            if let other = entries.firstIndex(where: { $0.id == entry.id }) {
                throw reader.problem(
                    table["id"]!,
                    "id '\(entry.id)' of [[printer]] \(offset + 1) is already used by [[printer]] \(other + 1) (line \(lines[other]))")
            }
            if let other = entries.firstIndex(where: { $0.port == entry.port }) {
                throw reader.problem(
                    table["port"]!,
                    "port '\(entry.port)' of [[printer]] \(offset + 1) is already used by [[printer]] \(other + 1) (line \(lines[other]))")
            }
            entries.append(entry)
            lines.append(table.position.line)
        }
        configuration.printers.entries = entries

        let content = try reader("content")
        configuration.content.quotaMegabytes = try content.integer("spool_quota_mb", in: 1...16_777_216)
        configuration.content.reserveMegabytes =
            try content.integer("reserve_mb", in: 0...1_048_576) ?? configuration.content.reserveMegabytes
        configuration.content.downloadAttempts =
            try content.integer("download_attempts", in: 1...1000) ?? configuration.content.downloadAttempts
        configuration.content.downloadMinimumRateKiB =
            try content.integer("download_min_rate_kib", in: 1...1_048_576) ?? configuration.content.downloadMinimumRateKiB
        configuration.content.downloadAllowance =
            try content.seconds("download_allowance", in: 1...86_400) ?? configuration.content.downloadAllowance

        let slicing = try reader("slicing")
        if let slicer = try slicing.string("slicer") {
            guard SlicingConfiguration.slicerNames.contains(slicer) else {
                throw slicing.problem(slicing.table["slicer"]!,
                                      "'slicer' in [slicing] must be one of \(SlicingConfiguration.slicerNames.joined(separator: ", ")), not '\(slicer)'")
            }
            configuration.slicing.slicer = slicer
        }
        configuration.slicing.path = try slicing.absolutePath("path", example: "/usr/bin/prusa-slicer")
        if configuration.slicing.path != nil, configuration.slicing.slicer == "auto" || configuration.slicing.slicer == "off" {
            throw slicing.problem(slicing.table["path"]!,
                                  "'path' in [slicing] names one slicer's program: set 'slicer' to prusaslicer, curaengine or slic3r too")
        }
        configuration.slicing.timeLimit =
            try slicing.seconds("time_limit", in: 10...86_400) ?? configuration.slicing.timeLimit
        configuration.slicing.memoryLimitMegabytes =
            try slicing.integer("memory_limit_mb", in: 128...1_048_576) ?? configuration.slicing.memoryLimitMegabytes

        configuration.discovery = try discovery(try reader("discovery"))

        var servers: [TrustedContentServer] = []
        for (offset, table) in contentServerTables.enumerated() {
            let reader = try SectionReader(
                table: table, context: "[[content_server]] \(offset + 1)", source: source, knownKeys: contentServerKeys)
            let server = try contentServer(reader)
            if let other = servers.firstIndex(where: { $0.url.lowercased() == server.url.lowercased() }) {
                throw reader.problem(
                    table["url"]!, "url '\(server.url)' of [[content_server]] \(offset + 1) is already [[content_server]] \(other + 1)")
            }
            servers.append(server)
        }
        configuration.contentServers = servers
        return configuration
    }

    private static func contentServer(_ reader: SectionReader) throws(ConfigurationError) -> TrustedContentServer {
        let context = reader.context
        guard let written = try reader.string("url") else {
            throw reader.problem("\(context) needs a 'url', such as url = \"https://content.example.com\"")
        }
        let allowPlainHTTP = try reader.boolean("allow_plain_http") ?? false
        if let problem = TrustedContentServer.problem(with: written, allowPlainHTTP: allowPlainHTTP) {
            throw reader.problem(reader.table["url"]!, "'url' in \(context): \(problem)")
        }
        // "https://host/" and "https://host" are one server; keep the form without the slash.
        let url = written.hasSuffix("/") ? String(written.dropLast()) : written
        let host = url.split(separator: "/", maxSplits: 2, omittingEmptySubsequences: true).dropFirst().first.map(String.init) ?? url
        return TrustedContentServer(
            url: url, name: try reader.text("name") ?? host, allowPlainHTTP: allowPlainHTTP,
            caFile: try reader.absolutePath("ca_file", example: "/etc/3dp-agent/content-ca.pem"))
    }

    private static func printerEntry(_ reader: SectionReader, defaultBaud: Int) throws(ConfigurationError)
        -> PrinterEntry
    {
        let context = reader.context
        let table = reader.table
        guard let id = try reader.string("id") else {
            throw reader.problem("\(context) needs an 'id': 1 to 64 letters, digits, '.', '_' or '-'")
        }
        guard ServiceIdentity.isValid(id) else {
            throw reader.problem(
                table["id"]!, "'id' in \(context) must be 1 to 64 letters, digits, '.', '_' or '-' (not . or ..), not '\(id)'")
        }
        guard let port = try reader.absolutePath("port", example: "/dev/serial/by-id/usb-…-if00") else {
            throw reader.problem("\(context) needs a 'port', such as port = \"/dev/serial/by-id/usb-…-if00\"")
        }
        var entry = PrinterEntry(id: id, port: port, baud: try reader.integer("baud", in: baudRange) ?? defaultBaud)
        entry.name = try reader.text("name")
        entry.maxLinesInFlight = try reader.integer("max_lines_in_flight", in: 1...64) ?? entry.maxLinesInFlight
        entry.ackTimeout = try reader.seconds("ack_timeout", in: 0.05...600) ?? entry.ackTimeout
        let volumeShape = "an array of 3 positive numbers (X, Y, Z in mm), e.g. [250, 210, 210]"
        if let sizes = try reader.numbers("build_volume", expected: volumeShape) {
            guard sizes.count == 3, sizes.allSatisfy({ $0 > 0 }) else {
                throw reader.problem(table["build_volume"]!, "'build_volume' in \(context) must be \(volumeShape)")
            }
            entry.buildVolume = BuildVolume(x: sizes[0], y: sizes[1], z: sizes[2])
        }
        entry.slicerProfile = try reader.absolutePath("slicer_profile", example: "/etc/3dp-agent/my-printer.ini")
        for (key, field) in infoKeys {
            entry.info[keyPath: field] = try reader.string(key)
        }
        return entry
    }

    /// `http[s]://host[:port]`, as a browser writes `Origin`: no path, query, user or trailing slash.
    static func isOrigin(_ text: String) -> Bool {
        let scheme: Substring
        if text.hasPrefix("https://") { scheme = "https://" } else if text.hasPrefix("http://") { scheme = "http://" } else { return false }
        let rest = text.dropFirst(scheme.count)
        guard !rest.isEmpty, !rest.contains(where: { "/?#@ ".contains($0) }) else { return false }
        var host = rest
        if rest.hasPrefix("[") {
            guard let end = rest.firstIndex(of: "]") else { return false }
            host = rest[rest.index(after: end)...]
            guard host.isEmpty || host.hasPrefix(":") else { return false }
            if host.isEmpty { return true }
            return UInt16(host.dropFirst()).map { $0 > 0 } ?? false
        }
        let parts = host.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count <= 2, !parts[0].isEmpty else { return false }
        if parts.count == 2 { return UInt16(parts[1]).map { $0 > 0 } ?? false }
        return true
    }
}
