import Logging
import NIOCore
import Synchronization

/// The endpoint's connections across all event loops: admission under the caps of `ConnectionTable`, the close
/// of a connection evicted to make room, and one rate-limited warning when a cap turns connections away.
final class ConnectionRegistry: Sendable {
    private let table: Mutex<ConnectionTable<any Channel>>
    private let warning: RateLimitedWarning
    let policy: EndpointNetworkPolicy

    init(policy: EndpointNetworkPolicy, logger: Logger) {
        self.policy = policy
        table = Mutex(ConnectionTable(total: policy.maxConnections, perAddress: policy.maxConnectionsPerAddress))
        warning = RateLimitedWarning(logger: logger)
    }

    /// The id to report the connection's progress and end by, or nil when it is refused (the caller closes it).
    func admit(_ channel: any Channel) -> UInt64? {
        let address = Self.address(of: channel)
        let admission = table.withLock { $0.admit(address: address, handle: channel) }
        switch admission {
        case .admitted(let id, let evicted):
            if let evicted {
                evicted.close(promise: nil)
                warning.warn("connection cap reached (\(policy.maxConnections) in all): closing an idle connection of the address that holds the most")
            }
            return id
        case .refusedForAddress(let count):
            warning.warn("connection refused: \(count) connections from \(address) already (limit \(policy.maxConnectionsPerAddress) per address)")
            return nil
        case .refusedInTotal:
            warning.warn("connection refused from \(address): \(policy.maxConnections) connections held, none idle from an address holding more")
            return nil
        }
    }

    func markRequested(_ id: UInt64) {
        table.withLock { $0.markRequested(id) }
    }

    func markIdle(_ id: UInt64) {
        table.withLock { $0.markIdle(id) }
    }

    func remove(_ id: UInt64) {
        table.withLock { _ = $0.remove(id) }
    }

    var count: Int { table.withLock { $0.count } }

    /// The peer as the per-address cap and the pairing lock count it: its IPv4 address, or its IPv6 /64.
    static func address(of channel: any Channel) -> String {
        channel.remoteAddress?.ipAddress.map(ClientAddress.accountingKey) ?? "unknown"
    }
}
