import Content
import Foundation
import Jobs
import Logging
import PrinterLink
import Synchronization
import ThreeDPProtocol

/// What the agent is, as `service.discover` presents it (7.2.1).
public struct AgentDescription: Sendable, Equatable {
    public var name: String
    public var version: String
    /// Stable for this board; derived from its machine id, never the raw id itself.
    public var systemId: String

    public init(name: String, version: String, systemId: String) {
        self.name = name
        self.version = version
        self.systemId = systemId
    }
}

/// Everything the 3DP-1 methods work with, handed in by the wiring.
public final class EndpointContext: Sendable {
    public let agent: AgentDescription
    public let fleet: PrinterFleet
    public let tokens: AccessTokenStore
    public let hub: EventHub
    /// Where the spool lives: `printer.attributes` reports its free space.
    public let spoolPath: String
    /// A long-polling subscription not polled for this long is dropped.
    public let pollSubscriptionTTL: Duration
    /// The only servers `print.start` may name.
    public let contentServers: [TrustedContentServer]
    /// The clock and resources of the board, for `agent.time` and `printer.attributes`.
    public let board: any BoardFacts
    public let logger: Logger
    /// How the endpoint is reached: `pairing.complete` returns the certificate's fingerprint, and the printer's
    /// display shows its first bytes beside the pairing code.
    public let identity: EndpointIdentity
    let pairing: Mutex<PairingStateMachine>

    public init(agent: AgentDescription, fleet: PrinterFleet, tokens: AccessTokenStore, hub: EventHub,
                spoolPath: String, pollSubscriptionTTL: Duration = .seconds(120),
                contentServers: [TrustedContentServer] = [], board: any BoardFacts,
                pairing: PairingStateMachine = PairingStateMachine(), identity: EndpointIdentity = .plain,
                logger: Logger = Logger(label: "3dp-agent.endpoint")) {
        self.identity = identity
        self.agent = agent
        self.fleet = fleet
        self.tokens = tokens
        self.hub = hub
        self.spoolPath = spoolPath
        self.pollSubscriptionTTL = pollSubscriptionTTL
        self.contentServers = contentServers
        self.board = board
        self.pairing = Mutex(pairing)
        self.logger = logger
    }

    /// The printer a request names, or error 5 (no service).
    func service(_ request: JSONRPCRequest) throws(JSONRPCError) -> PrinterService {
        let id = try request.nonEmptyString("serviceId")
        guard let service = fleet.service(id) else {
            throw .noService(.string("no printer with serviceId \"\(id)\" is served by this agent"))
        }
        return service
    }
}
