@testable import Agent
import AgentConfig
import ServiceScope
import Testing
import ThreeDPProtocol

/// The pure side of the advertisement: the command line, what the child's lines mean, when not to advertise.
struct AvahiPublishCommandTests {
    @Test func theCommandLineCarriesTheNameTypePortAndTXTRecord() {
        let advertisement = LANAdvertisement(name: "Workshop printers", port: 8631, systemID: "3f2a", tls: true,
                                             fingerprint: "AB:CD")
        #expect(AvahiPublishCommand.arguments(for: advertisement) == [
            "-f", "Workshop printers", "_3dp._tcp", "8631",
            "txtvers=1", "api=1.0", "sysid=3f2a", "tls=1", "fp=AB:CD", "path=/3dp/v1",
        ])
    }

    @Test func theChildsLinesAreRead() {
        #expect(AvahiPublishCommand.report("Established under name 'Workshop printers #2'") == .established(name: "Workshop printers #2"))
        #expect(AvahiPublishCommand.report("Failed to create client object: Daemon not running")
            == .other("Failed to create client object: Daemon not running"))
        #expect(AvahiPublishCommand.report("Established under name '") == .other("Established under name '"))
    }

    @Test(arguments: [
        ("127.0.0.1", false), ("127.1.2.3", false), ("::1", false), ("localhost", false), ("LOCALHOST", false),
        ("0.0.0.0", true), ("::", true), ("192.168.1.20", true),
    ])
    func onlyAnEndpointBeyondLoopbackIsAdvertised(host: String, advertised: Bool) {
        #expect((AvahiPublishCommand.reasonNotToAdvertise(ListenAddress(host: host, port: 8631)) == nil) == advertised)
    }

    @Test func theAdvertisementTakesTheDiscoveryNameElseTheAgents() {
        var configuration = AgentConfiguration.defaults(stateDirectory: "/tmp/unused", hostname: "octopi")
        #expect(LANDiscoveryService.advertisement(configuration, port: 8631, systemID: "id", tls: false, fingerprint: nil).name == "3dp-agent on octopi")
        configuration.discovery.name = "Workshop printers"
        let advertisement = LANDiscoveryService.advertisement(configuration, port: 9000, systemID: "id", tls: false, fingerprint: nil)
        #expect(advertisement == LANAdvertisement(name: "Workshop printers", port: 9000, apiVersion: "1.0", systemID: "id",
                                                  tls: false, fingerprint: nil))
    }
}
