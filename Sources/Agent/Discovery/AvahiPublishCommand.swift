import ServiceScope
import ThreeDPProtocol

/// The `avahi-publish-service` command line for an advertisement, and what its output lines mean. Pure, so the
/// supervisor in `LANPublication` only runs it.
enum AvahiPublishCommand {
    static let program = "avahi-publish-service"

    /// `-f` (`--no-fail`): wait for avahi-daemon when it is not running yet, and publish again when it restarts,
    /// instead of exiting; the agent then needs no retry loop of its own for a daemon that comes and goes.
    static func arguments(for advertisement: LANAdvertisement) -> [String] {
        ["-f", advertisement.name, LANAdvertisement.serviceType, String(advertisement.port)] + advertisement.txtRecord
    }

    /// What a line the child printed says.
    enum Report: Equatable {
        /// "Established under name 'Workshop printers'": on the LAN under that name (avahi renames on a clash).
        case established(name: String)
        /// Anything else: kept as the reason in case the child exits.
        case other(String)
    }

    static func report(_ line: String) -> Report {
        let prefix = "Established under name '"
        if line.hasPrefix(prefix), line.hasSuffix("'"), line.count > prefix.count {
            return .established(name: String(line.dropFirst(prefix.count).dropLast()))
        }
        return .other(line)
    }

    /// Why nothing is advertised for this listen address, or nil when it can be. An endpoint bound to loopback
    /// cannot be reached by the Managers that would find it.
    static func reasonNotToAdvertise(_ listen: ListenAddress) -> String? {
        let host = listen.host.lowercased()
        let loopback = host == "localhost" || host == "::1" || host.hasPrefix("127.")
        return loopback ? "the endpoint listens on \(listen.host) (loopback) only" : nil
    }
}
