import AgentConfig
import Logging
import ServiceLifecycle
import ThreeDPProtocol

/// The advertisement as a service of the agent's group: listed after the endpoint, so that on shutdown the
/// records are withdrawn before the endpoint stops taking connections.
struct LANDiscoveryService: Service {
    let publication: LANPublication

    /// A publication when `[discovery]` asks for one and the endpoint can be reached from the LAN; else nil, and
    /// the reason logged.
    static func publication(_ configuration: AgentConfiguration, logger: Logger,
                            environment: [String: String] = [:]) -> LANPublication? {
        guard configuration.discovery.enabled else { return nil }
        if let reason = AvahiPublishCommand.reasonNotToAdvertise(configuration.listen) {
            logger.info("not advertised on the LAN: \(reason)")
            return nil
        }
        return LANPublication(logger: logger, environment: environment)
    }

    /// What the agent says about itself. TLS and the certificate's fingerprint come from the endpoint once it has
    /// them; until then the endpoint is plain.
    static func advertisement(_ configuration: AgentConfiguration, port: Int, systemID: String,
                              tls: Bool, fingerprint: CertificateFingerprint?) -> LANAdvertisement {
        LANAdvertisement(name: configuration.discovery.name ?? configuration.name, port: port,
                         apiVersion: JSONRPCIncoming.dwapiVersion, systemID: systemID, tls: tls,
                         fingerprint: fingerprint?.description)
    }

    func run() async throws {
        await withGracefulShutdownHandler {
            await publication.run()
        } onGracefulShutdown: {
            publication.stop()
        }
    }
}
