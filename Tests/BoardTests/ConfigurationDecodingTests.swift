@testable import AgentConfig
import Content
import Foundation
import Jobs
import Logging
import ServiceScope
import Testing
@testable import Board

private func parse(_ text: String) throws(ConfigurationError) -> AgentConfiguration {
    try AgentConfiguration.parse(text, source: "test.toml", defaultStateDirectory: "/tmp/state", hostname: "octopi")
}

struct ConfigurationDecodingTests {
    @Test func anEmptyFileMeansTheDefaults() throws {
        let configuration = try parse("# nothing set\n")
        #expect(configuration == AgentConfiguration.defaults(stateDirectory: "/tmp/state", hostname: "octopi"))
        #expect(configuration.name == "3dp-agent on octopi")
        #expect(configuration.stateDirectory == "/tmp/state")
        #expect(configuration.logLevel == .info)
        #expect(configuration.listen == ListenAddress(host: "127.0.0.1", port: 8631))
        #expect(configuration.events == EventSettings(
            statusInterval: .seconds(1), clientQueue: 256, pollSubscriptionTTL: .seconds(120)))
        #expect(configuration.printers == PrinterSettings(
            autodetect: true, baud: 115_200, reconnectInterval: .seconds(2), entries: []))
        #expect(configuration.printers.servesAutodetectedPrinters)
    }

    @Test func readsTheEndpointsAccessKeys() throws {
        let configuration = try parse("""
            [endpoint]
            allowed_origins = ["https://manager.example.com", "http://192.168.1.20:8080", "http://[fe80::1]:80"]
            max_connections = 1_000
            max_connections_per_address = 8
            """)
        #expect(configuration.endpointAccess == EndpointAccessSettings(
            allowedOrigins: ["https://manager.example.com", "http://192.168.1.20:8080", "http://[fe80::1]:80"],
            maxConnections: 1000, maxConnectionsPerAddress: 8))
        #expect(try parse("").endpointAccess == EndpointAccessSettings(allowedOrigins: [], maxConnections: 256,
                                                                         maxConnectionsPerAddress: 32))
    }

    @Test func tlsIsOnBeyondLoopbackUnlessTheFileSays() throws {
        let loopback = try parse("")
        #expect(loopback.endpointTLS == nil)
        #expect(!loopback.servesTLS, "the built-in default listens on 127.0.0.1: plain")
        #expect(try parse("[endpoint]\nlisten = \"[::1]:8631\"").servesTLS == false)
        #expect(try parse("[endpoint]\nlisten = \"localhost:8631\"").servesTLS == false)
        #expect(try parse("[endpoint]\nlisten = \"0.0.0.0:8631\"").servesTLS)
        #expect(try parse("[endpoint]\nlisten = \"192.168.1.20:8631\"").servesTLS)
        let off = try parse("[endpoint]\nlisten = \"0.0.0.0:8631\"\ntls = false")
        #expect(off.endpointTLS == false)
        #expect(!off.servesTLS)
        #expect(try parse("[endpoint]\ntls = true").servesTLS, "on loopback when asked")
    }

    @Test func readsEveryKey() throws {
        let configuration = try parse("""
            [agent]
            name = "Workshop"
            state_directory = "/srv/3dp"
            log_level = "debug"

            [endpoint]
            listen = "[::]:9000"

            [events]
            status_interval = 0.5
            client_queue = 1_024
            poll_subscription_ttl = 30

            [printers]
            autodetect = false
            baud = 250000
            reconnect_interval = 0.25

            [[printer]]
            id = "mk3s"
            port = "/dev/serial/by-id/usb-Prusa_Research__prusa3d.com__Original_Prusa_i3_MK3_CZPX1-if00"
            baud = 115200
            name = "MK3S by the window"
            max_lines_in_flight = 8
            ack_timeout = 5.5
            build_volume = [250, 210, 210.5]
            product_name = "Original Prusa i3 MK3S+"
            manufacturer = "Prusa Research"
            model_number = "MK3S+"
            firmware_revision = "3.14.1"
            serial_number = "CZPX1"
            software_revision = "1"
            hardware_revision = "Einsy 1.1a"
            part_number = "PRI3MK3S"
            protocol_revision = "Marlin 1"

            [[printer]]
            id = "ender.3_v2-1"
            port = "/dev/3dprinter/1a86-platform-3f980000_usb-usb-0_1_2_1_0"
            """)
        #expect(configuration.name == "Workshop")
        #expect(configuration.stateDirectory == "/srv/3dp")
        #expect(configuration.logLevel == .debug)
        #expect(configuration.listen == ListenAddress(host: "::", port: 9000))
        #expect(configuration.events == EventSettings(
            statusInterval: .milliseconds(500), clientQueue: 1024, pollSubscriptionTTL: .seconds(30)))
        #expect(!configuration.printers.autodetect)
        #expect(configuration.printers.baud == 250_000)
        #expect(configuration.printers.reconnectInterval == .milliseconds(250))
        #expect(configuration.printers.entries == [
            PrinterEntry(
                id: "mk3s",
                port: "/dev/serial/by-id/usb-Prusa_Research__prusa3d.com__Original_Prusa_i3_MK3_CZPX1-if00",
                baud: 115_200,
                name: "MK3S by the window",
                maxLinesInFlight: 8,
                ackTimeout: .milliseconds(5500),
                buildVolume: BuildVolume(x: 250, y: 210, z: 210.5),
                info: PrinterInfoOverrides(
                    productName: "Original Prusa i3 MK3S+", manufacturer: "Prusa Research", modelNumber: "MK3S+",
                    firmwareRevision: "3.14.1", serialNumber: "CZPX1", softwareRevision: "1",
                    hardwareRevision: "Einsy 1.1a", partNumber: "PRI3MK3S", protocolRevision: "Marlin 1")),
            // Defaults, and the [printers] baud although [printers] came first.
            PrinterEntry(
                id: "ender.3_v2-1", port: "/dev/3dprinter/1a86-platform-3f980000_usb-usb-0_1_2_1_0", baud: 250_000,
                name: nil, maxLinesInFlight: 4, ackTimeout: .seconds(3), buildVolume: nil, info: PrinterInfoOverrides()),
        ])
    }

    @Test func listedPrintersReplaceAutodetection() throws {
        let configuration = try parse("[[printer]]\nid = \"a\"\nport = \"/dev/ttyACM0\"\n[printers]\nbaud = 57600")
        #expect(configuration.printers.autodetect)
        #expect(!configuration.printers.servesAutodetectedPrinters)
        #expect(configuration.printers.entries.map(\.baud) == [57600])
    }

    @Test(arguments: ["trace", "debug", "info", "notice", "warning", "error", "critical"])
    func readsEveryLogLevel(_ name: String) throws {
        #expect(try parse("[agent]\nlog_level = \"\(name)\"").logLevel == Logger.Level(rawValue: name))
    }

    struct Refused: Sendable, CustomStringConvertible {
        var text: String
        var error: String
        init(_ text: String, _ error: String) {
            self.text = text
            self.error = error
        }
        var description: String { String(reflecting: text) }
    }

    private static let twoPrinters = "[[printer]]\nid = \"a\"\nport = \"/dev/ttyACM0\"\n[[printer]]\n"

    static let refused: [Refused] = [
        // Syntax errors keep their place and gain the file name.
        Refused("[agent]\nname =\n", "test.toml: line 2, column 7: expected a value after '='"),
        // Unknown keys and sections.
        Refused(twoPrinters + "id = \"b\"\nprot = \"/dev/ttyACM1\"",
                "test.toml: line 6, column 1: unknown key 'prot' in [[printer]] 2; did you mean 'port'?"),
        Refused("[agent]\nnmae = \"x\"", "test.toml: line 2, column 1: unknown key 'nmae' in [agent]; did you mean 'name'?"),
        Refused("[events]\nwhatever = 1", "test.toml: line 2, column 1: unknown key 'whatever' in [events]"),
        Refused("[agnet]", "test.toml: line 1: unknown section 'agnet'; did you mean [agent]?"),
        Refused("[[printr]]", "test.toml: line 1: unknown section 'printr'; did you mean [[printer]]?"),
        Refused("[printer]\nid = \"a\"", "test.toml: line 1: write [[printer]] (one such section per printer), not [printer]"),
        Refused("[[agent]]", "test.toml: line 1: [agent] is a single section; write [agent], not [[agent]]"),
        Refused("log_level = \"info\"", "test.toml: line 1, column 1: 'log_level' is outside any section; it belongs under [agent]"),
        Refused("port = \"/dev/ttyACM0\"", "test.toml: line 1, column 1: 'port' is outside any section; it belongs under [[printer]]"),
        // [agent]
        Refused("[agent]\nname = \"  \"", "test.toml: line 2, column 8: 'name' in [agent] must not be empty"),
        Refused("[agent]\nname = 3", "test.toml: line 2, column 8: 'name' in [agent] must be a string, not an integer"),
        Refused("[agent]\nstate_directory = \"state\"",
                "test.toml: line 2, column 19: 'state_directory' in [agent] must be an absolute path such as /var/lib/3dp-agent, not 'state'"),
        Refused("[agent]\nlog_level = \"verbose\"",
                "test.toml: line 2, column 13: 'log_level' in [agent] must be one of trace, debug, info, notice, warning, error, critical, not 'verbose'"),
        // [endpoint]
        Refused("[endpoint]\nlisten = \"0.0.0.0:70000\"",
                "test.toml: line 2, column 10: 'listen' in [endpoint]: port 70000 is out of range 1…65535"),
        Refused("[endpoint]\nlisten = \"::1:8631\"",
                "test.toml: line 2, column 10: 'listen' in [endpoint]: an IPv6 address needs brackets: [::1]:8631"),
        Refused("[endpoint]\nlisten = 8631", "test.toml: line 2, column 10: 'listen' in [endpoint] must be a string, not an integer"),
        Refused("[endpoint]\nallowed_origins = \"https://a.example\"",
                "test.toml: line 2, column 19: 'allowed_origins' in [endpoint] must be an array of origins, not a string"),
        Refused("[endpoint]\nallowed_origins = [1]",
                "test.toml: line 2, column 19: 'allowed_origins' in [endpoint] must be an array of origins; it holds an integer"),
        Refused("[endpoint]\nallowed_origins = [\"https://a.example/\"]",
                "test.toml: line 2, column 19: 'allowed_origins' in [endpoint] holds \"https://a.example/\", which is not an origin like \"https://manager.example.com\" or \"http://192.168.1.20:8080\" (scheme, host and port only)"),
        Refused("[endpoint]\nallowed_origins = [\"a.example\"]",
                "test.toml: line 2, column 19: 'allowed_origins' in [endpoint] holds \"a.example\", which is not an origin like \"https://manager.example.com\" or \"http://192.168.1.20:8080\" (scheme, host and port only)"),
        Refused("[endpoint]\ntls = \"yes\"", "test.toml: line 2, column 7: 'tls' in [endpoint] must be true or false, not a string"),
        Refused("[endpoint]\nmax_connections = 4", "test.toml: line 2, column 19: 'max_connections' in [endpoint] must be 8…16384, not 4"),
        Refused("[endpoint]\nmax_connections_per_address = 0",
                "test.toml: line 2, column 31: 'max_connections_per_address' in [endpoint] must be 1…16384, not 0"),
        // [events]
        Refused("[events]\nstatus_interval = 0",
                "test.toml: line 2, column 19: 'status_interval' in [events] must be more than 0 and at most 60 seconds, not 0"),
        Refused("[events]\nstatus_interval = 60.5",
                "test.toml: line 2, column 19: 'status_interval' in [events] must be more than 0 and at most 60 seconds, not 60.5"),
        Refused("[events]\nstatus_interval = \"1s\"",
                "test.toml: line 2, column 19: 'status_interval' in [events] must be a number of seconds, not a string"),
        Refused("[events]\nclient_queue = 4", "test.toml: line 2, column 16: 'client_queue' in [events] must be 8…65536, not 4"),
        Refused("[events]\nclient_queue = 65537", "test.toml: line 2, column 16: 'client_queue' in [events] must be 8…65536, not 65537"),
        Refused("[events]\nclient_queue = 256.0", "test.toml: line 2, column 16: 'client_queue' in [events] must be an integer, not a float"),
        Refused("[events]\npoll_subscription_ttl = 4.9",
                "test.toml: line 2, column 25: 'poll_subscription_ttl' in [events] must be 5…3600 seconds, not 4.9"),
        // [printers]
        Refused("[printers]\nautodetect = \"yes\"", "test.toml: line 2, column 14: 'autodetect' in [printers] must be true or false, not a string"),
        Refused("[printers]\nbaud = 300", "test.toml: line 2, column 8: 'baud' in [printers] must be 1200…4_000_000, not 300"),
        Refused("[printers]\nbaud = \"fast\"", "test.toml: line 2, column 8: 'baud' in [printers] must be an integer, not a string"),
        Refused("[printers]\nreconnect_interval = 0.05",
                "test.toml: line 2, column 22: 'reconnect_interval' in [printers] must be 0.1…300 seconds, not 0.05"),
        // [[printer]]
        Refused("[[printer]]\nport = \"/dev/ttyACM0\"",
                "test.toml: line 1: [[printer]] 1 needs an 'id': 1 to 64 letters, digits, '.', '_' or '-'"),
        Refused(twoPrinters + "id = \"b\"",
                "test.toml: line 4: [[printer]] 2 needs a 'port', such as port = \"/dev/serial/by-id/usb-…-if00\""),
        Refused("[[printer]]\nid = \"my printer\"",
                "test.toml: line 2, column 6: 'id' in [[printer]] 1 must be 1 to 64 letters, digits, '.', '_' or '-' (not . or ..), not 'my printer'"),
        Refused("[[printer]]\nid = \"..\"",
                "test.toml: line 2, column 6: 'id' in [[printer]] 1 must be 1 to 64 letters, digits, '.', '_' or '-' (not . or ..), not '..'"),
        Refused("[[printer]]\nid = \"\(String(repeating: "x", count: 65))\"",
                "test.toml: line 2, column 6: 'id' in [[printer]] 1 must be 1 to 64 letters, digits, '.', '_' or '-' (not . or ..), not '\(String(repeating: "x", count: 65))'"),
        Refused(twoPrinters + "id = \"a\"\nport = \"/dev/ttyACM1\"",
                "test.toml: line 5, column 6: id 'a' of [[printer]] 2 is already used by [[printer]] 1 (line 1)"),
        Refused(twoPrinters + "id = \"b\"\nport = \"/dev/ttyACM0\"",
                "test.toml: line 6, column 8: port '/dev/ttyACM0' of [[printer]] 2 is already used by [[printer]] 1 (line 1)"),
        Refused("[[printer]]\nid = \"a\"\nport = \"ttyACM0\"",
                "test.toml: line 3, column 8: 'port' in [[printer]] 1 must be an absolute path such as /dev/serial/by-id/usb-…-if00, not 'ttyACM0'"),
        Refused("[[printer]]\nid = \"a\"\nport = \"/dev/ttyACM0\"\nbaud = 5_000_000",
                "test.toml: line 4, column 8: 'baud' in [[printer]] 1 must be 1200…4_000_000, not 5000000"),
        Refused("[[printer]]\nid = \"a\"\nport = \"/dev/ttyACM0\"\nmax_lines_in_flight = 0",
                "test.toml: line 4, column 23: 'max_lines_in_flight' in [[printer]] 1 must be 1…64, not 0"),
        Refused("[[printer]]\nid = \"a\"\nport = \"/dev/ttyACM0\"\nmax_lines_in_flight = 65",
                "test.toml: line 4, column 23: 'max_lines_in_flight' in [[printer]] 1 must be 1…64, not 65"),
        Refused("[[printer]]\nid = \"a\"\nport = \"/dev/ttyACM0\"\nack_timeout = 0.01",
                "test.toml: line 4, column 15: 'ack_timeout' in [[printer]] 1 must be 0.05…600 seconds, not 0.01"),
        Refused("[[printer]]\nid = \"a\"\nport = \"/dev/ttyACM0\"\nbuild_volume = [250, 210]",
                "test.toml: line 4, column 16: 'build_volume' in [[printer]] 1 must be an array of 3 positive numbers (X, Y, Z in mm), e.g. [250, 210, 210]"),
        Refused("[[printer]]\nid = \"a\"\nport = \"/dev/ttyACM0\"\nbuild_volume = [250, 0, 210]",
                "test.toml: line 4, column 16: 'build_volume' in [[printer]] 1 must be an array of 3 positive numbers (X, Y, Z in mm), e.g. [250, 210, 210]"),
        Refused("[[printer]]\nid = \"a\"\nport = \"/dev/ttyACM0\"\nbuild_volume = [\"250\", 210, 210]",
                "test.toml: line 4, column 16: 'build_volume' in [[printer]] 1 must be an array of 3 positive numbers (X, Y, Z in mm), e.g. [250, 210, 210]; it holds a string"),
        Refused("[[printer]]\nid = \"a\"\nport = \"/dev/ttyACM0\"\nbuild_volume = 250",
                "test.toml: line 4, column 16: 'build_volume' in [[printer]] 1 must be an array of 3 positive numbers (X, Y, Z in mm), e.g. [250, 210, 210], not an integer"),
        Refused("[[printer]]\nid = \"a\"\nport = \"/dev/ttyACM0\"\nserial_number = 123",
                "test.toml: line 4, column 17: 'serial_number' in [[printer]] 1 must be a string, not an integer"),
        // [content] and [[content_server]]
        Refused("[content]\nspool_quota_mb = 0", "test.toml: line 2, column 18: 'spool_quota_mb' in [content] must be 1…16_777_216, not 0"),
        Refused("[content]\nreserve_mb = -1", "test.toml: line 2, column 14: 'reserve_mb' in [content] must be 0…1_048_576, not -1"),
        Refused("[content]\ndownload_attempts = 0", "test.toml: line 2, column 21: 'download_attempts' in [content] must be 1…1000, not 0"),
        Refused("[content]\ndownload_min_rate_kib = 0", "test.toml: line 2, column 25: 'download_min_rate_kib' in [content] must be 1…1_048_576, not 0"),
        Refused("[content]\ndownload_allowance = 0.5", "test.toml: line 2, column 22: 'download_allowance' in [content] must be 1…86400 seconds, not 0.5"),
        Refused("[content]\ndownload_allowance = \"2m\"", "test.toml: line 2, column 22: 'download_allowance' in [content] must be a number of seconds, not a string"),
        Refused("[content_server]\nurl = \"https://a\"",
                "test.toml: line 1: write [[content_server]] (one such section per server), not [content_server]"),
        Refused("[[content_server]]\nname = \"a\"",
                "test.toml: line 1: [[content_server]] 1 needs a 'url', such as url = \"https://content.example.com\""),
        Refused("[[content_server]]\nurl = \"http://192.168.1.20:8632\"",
                "test.toml: line 2, column 7: 'url' in [[content_server]] 1: 'http://192.168.1.20:8632' is plain http; use https, or set allow_plain_http = true for a server on a network you trust"),
        Refused("[[content_server]]\nurl = \"ftp://example.com\"",
                "test.toml: line 2, column 7: 'url' in [[content_server]] 1: 'ftp://example.com' must start with https:// (or http:// with allow_plain_http = true)"),
        Refused("[[content_server]]\nurl = \"https://user:secret@example.com\"",
                "test.toml: line 2, column 7: 'url' in [[content_server]] 1: 'https://user:secret@example.com' must not carry a user or password"),
        Refused("[[content_server]]\nurl = \"https://example.com/?token=1\"",
                "test.toml: line 2, column 7: 'url' in [[content_server]] 1: 'https://example.com/?token=1' must not have a query or fragment"),
        Refused("[[content_server]]\nurl = \"https://\"",
                "test.toml: line 2, column 7: 'url' in [[content_server]] 1: 'https://' has no host"),
        Refused("[[content_server]]\nurl = \"https://a.example\"\n[[content_server]]\nurl = \"https://A.example/\"",
                "test.toml: line 4, column 7: url 'https://A.example' of [[content_server]] 2 is already [[content_server]] 1"),
        Refused("[[content_server]]\nurl = \"https://a.example\"\nca_file = \"ca.pem\"",
                "test.toml: line 3, column 11: 'ca_file' in [[content_server]] 1 must be an absolute path such as /etc/3dp-agent/content-ca.pem, not 'ca.pem'"),
        Refused("url = \"https://a.example\"",
                "test.toml: line 1, column 1: 'url' is outside any section; it belongs under [[content_server]]"),
        // [slicing] and slicer_profile
        Refused("[slicing]\nslicer = \"cura\"",
                "test.toml: line 2, column 10: 'slicer' in [slicing] must be one of auto, prusaslicer, curaengine, slic3r, off, not 'cura'"),
        Refused("[slicing]\nslicer = \"slic3r\"\npath = \"slic3r\"", "test.toml: line 3, column 8: 'path' in [slicing] must be an absolute path such as /usr/bin/prusa-slicer, not 'slic3r'"),
        Refused("[slicing]\npath = \"/usr/bin/prusa-slicer\"",
                "test.toml: line 2, column 8: 'path' in [slicing] names one slicer's program: set 'slicer' to prusaslicer, curaengine or slic3r too"),
        Refused("[slicing]\ntime_limit = 5", "test.toml: line 2, column 14: 'time_limit' in [slicing] must be 10…86400 seconds, not 5"),
        Refused("[slicing]\nmemory_limit_mb = 64", "test.toml: line 2, column 19: 'memory_limit_mb' in [slicing] must be 128…1_048_576, not 64"),
        Refused("[slicing]\nslicer = 1", "test.toml: line 2, column 10: 'slicer' in [slicing] must be a string, not an integer"),
        Refused("[[printer]]\nid = \"a\"\nport = \"/dev/ttyACM0\"\nslicer_profile = \"mine.ini\"", "test.toml: line 4, column 18: 'slicer_profile' in [[printer]] 1 must be an absolute path such as /etc/3dp-agent/my-printer.ini, not 'mine.ini'"),
        Refused("slicer = \"auto\"", "test.toml: line 1, column 1: 'slicer' is outside any section; it belongs under [slicing]"),
    ]

    @Test func readsSlicing() throws {
        #expect(try parse("").slicing == SlicingConfiguration(slicer: "auto", path: nil, timeLimit: .seconds(3600), memoryLimitMegabytes: 2048))
        let configuration = try parse("""
            [slicing]
            slicer = "curaengine"
            path = "/opt/cura/CuraEngine"
            time_limit = 600
            memory_limit_mb = 768
            [[printer]]
            id = "a"
            port = "/dev/ttyACM0"
            slicer_profile = "/etc/3dp-agent/a.def.json"
            """)
        #expect(configuration.slicing == SlicingConfiguration(slicer: "curaengine", path: "/opt/cura/CuraEngine",
                                                              timeLimit: .seconds(600), memoryLimitMegabytes: 768))
        #expect(configuration.printers.entries.first?.slicerProfile == "/etc/3dp-agent/a.def.json")
        #expect(try parse("[slicing]\nslicer = \"off\"").slicing.slicer == "off")
    }

    @Test func readsContentServers() throws {
        let configuration = try parse("""
            [content]
            spool_quota_mb = 512
            reserve_mb = 0
            download_attempts = 8
            download_min_rate_kib = 64
            download_allowance = 30.5
            [[content_server]]
            url = "https://content.example.com/shop/"
            [[content_server]]
            url = "http://192.168.1.20:8632"
            name = "Workshop NAS"
            allow_plain_http = true
            ca_file = "/etc/3dp-agent/nas.pem"
            """)
        #expect(configuration.content == ContentSpoolSettings(quotaMegabytes: 512, reserveMegabytes: 0, downloadAttempts: 8,
                                                              downloadMinimumRateKiB: 64, downloadAllowance: .milliseconds(30_500)))
        #expect(configuration.contentServers == [
            TrustedContentServer(url: "https://content.example.com/shop", name: "content.example.com"),
            TrustedContentServer(url: "http://192.168.1.20:8632", name: "Workshop NAS", allowPlainHTTP: true,
                               caFile: "/etc/3dp-agent/nas.pem"),
        ])
    }

    @Test(arguments: refused)
    func refusesWithTheFileThePlaceAndTheReason(_ example: Refused) {
        do {
            let configuration = try parse(example.text)
            Issue.record("accepted: \(configuration)")
        } catch {
            #expect(error.description == example.error)
        }
    }

    @Test func loadsAFileAndNamesItInErrors() throws {
        let path = NSTemporaryDirectory() + "3dp-agent-config-" + UUID().uuidString + ".toml"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data("[endpoint]\nlisten = \"0.0.0.0:8631\"\n".utf8).write(to: URL(fileURLWithPath: path))
        let configuration = try AgentConfiguration.load(path: path, defaultStateDirectory: "/s", hostname: "pi")
        #expect(configuration.listen == ListenAddress(host: "0.0.0.0", port: 8631))

        try Data("[endpoint]\nlisten = 0.0.0.0\n".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: ConfigurationError(source: path, line: 2, column: 10, message: "'0.0.0.0' is not a valid number")) {
            try AgentConfiguration.load(path: path, defaultStateDirectory: "/s", hostname: "pi")
        }
    }

    @Test func namesAMissingFile() {
        let path = "/nonexistent-3dp-agent/3dp-agent.toml"
        #expect(throws: ConfigurationError(source: path, message: "cannot open: No such file or directory")) {
            try AgentConfiguration.load(path: path, defaultStateDirectory: "/s", hostname: "pi")
        }
    }

    @Test(arguments: [
        ("prot", "port"), ("ack_timout", "ack_timeout"), ("Baud", "baud"), ("buildvolume", "build_volume"),
        ("statusinterval", "status_interval"),
    ])
    func suggestsTheKeyThatWasMeant(_ typo: String, _ meant: String) {
        #expect(KeySuggestion.closest(to: typo, among: ConfigurationDecoder.printerKeys + ["status_interval"]) == meant)
    }

    @Test(arguments: ["colour", "x", "temperature"])
    func suggestsNothingForUnrelatedWords(_ word: String) {
        #expect(KeySuggestion.closest(to: word, among: ConfigurationDecoder.printerKeys) == nil)
    }
}
