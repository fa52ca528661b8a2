@testable import AgentConfig
import Content
import Foundation
import ServiceScope
import Testing
@testable import Board

/// board/3dp-agent.toml is what `board/install.sh` puts in /etc: it must parse, say what the service expects,
/// and mention every key, so it never falls behind the parser.
struct ConfigurationBoardFileTests {
    static let path = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("board/3dp-agent.toml").path

    @Test func theBoardFileParsesToTheServiceSettings() throws {
        let configuration = try AgentConfiguration.load(
            path: Self.path, defaultStateDirectory: "/unused", hostname: "octopi")
        #expect(configuration.name == "3dp-agent on octopi")
        #expect(configuration.stateDirectory == "/var/lib/3dp-agent")
        #expect(configuration.logLevel == .info)
        #expect(configuration.listen == ListenAddress(host: "0.0.0.0", port: 8631))
        #expect(configuration.endpointAccess == EndpointAccessSettings())
        #expect(configuration.endpointTLS == true)
        #expect(configuration.servesTLS)
        #expect(configuration.events == EventSettings())
        #expect(configuration.printers == PrinterSettings(autodetect: true))
        #expect(configuration.printers.servesAutodetectedPrinters)
        #expect(configuration.content == ContentSpoolSettings())
        #expect(configuration.contentServers.isEmpty)
        #expect(configuration.discovery == DiscoverySettings(enabled: true, name: nil))
    }

    @Test func theCommentedOutPrinterExampleIsValid() throws {
        let text = try String(contentsOfFile: Self.path, encoding: .utf8)
        // The example's lines are commented out with a bare '#'; explanations have "# ".
        let uncommented = text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            line.hasPrefix("#") && !line.hasPrefix("# ") && line.count > 1 ? line.dropFirst() : line
        }.joined(separator: "\n")
        let configuration = try AgentConfiguration.parse(
            uncommented, source: "uncommented " + Self.path, defaultStateDirectory: "/unused", hostname: "octopi")
        let printer = try #require(configuration.printers.entries.first)
        #expect(configuration.printers.entries.count == 1)
        #expect(printer.id == "mk3s")
        #expect(printer.port.hasPrefix("/dev/serial/by-id/"))
        #expect(printer.buildVolume == BuildVolume(x: 250, y: 210, z: 210))
        #expect(printer.info.manufacturer == "Prusa Research")
        #expect(!configuration.printers.servesAutodetectedPrinters)
        #expect(configuration.content.quotaMegabytes == 2048)
        #expect(configuration.contentServers == [TrustedContentServer(
            url: "https://content.example.com", name: "Example content", caFile: "/etc/3dp-agent/content-ca.pem")])
    }

    @Test func theBoardFileMentionsEveryKey() throws {
        let text = try String(contentsOfFile: Self.path, encoding: .utf8)
        let keys = ConfigurationDecoder.sectionKeys.values.flatMap { $0 } + ConfigurationDecoder.printerKeys
            + ConfigurationDecoder.contentServerKeys
        for key in keys {
            #expect(text.contains("\n\(key) = ") || text.contains("\n#\(key) = ") || text.contains("\n# \(key) = "),
                    "board/3dp-agent.toml does not mention \(key)")
        }
        for section in ["[agent]", "[endpoint]", "[events]", "[printers]", "[content]", "[discovery]", "#[[content_server]]", "#[[printer]]"] {
            #expect(text.contains("\n\(section)\n"), "board/3dp-agent.toml has no \(section)")
        }
    }
}
