import MulticastDNS
import NIOCore
import NIOPosix
import ThreeDPProtocol

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `client discover --lan`: asks the LAN for `_3dp._tcp` with one-shot multicast DNS queries (RFC 6762 §5.1)
/// from an ephemeral port, and collects the answers for a fixed time. Responders (avahi, Apple's mDNSResponder)
/// answer such a query by unicast to the asking port, so this needs no mDNS daemon on the Manager's machine and
/// does not compete with one for port 5353. IPv4, on every interface that is up and takes multicast.
public enum LANBrowser {
    static let multicastGroup = "224.0.0.251"
    static let mdnsPort = 5353

    /// Every agent that answered within `timeout`, in the order they answered; one entry per agent even when it
    /// answered on several interfaces.
    public static func browse(timeout: Duration, serviceType: String = LANAdvertisement.serviceType,
                              group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) async throws -> [LANAgent] {
        let interfaces = multicastInterfaces()
        var failures: [any Error] = []
        var found: [ServiceInstance] = []
        try await withThrowingTaskGroup(of: Result<[ServiceInstance], any Error>.self) { tasks in
            for interface in interfaces {
                tasks.addTask {
                    do {
                        return .success(try await browse(on: interface, timeout: timeout, serviceType: serviceType, group: group))
                    } catch {
                        return .failure(error)
                    }
                }
            }
            for try await result in tasks {
                switch result {
                case .success(let instances): found = merged(found, instances)
                case .failure(let error): failures.append(error)
                }
            }
        }
        // An interface that cannot send (no route for multicast) is not an error while another one could.
        if failures.count == interfaces.count, let first = failures.first { throw first }
        return found.map(LANAgent.init)
    }

    /// The IPv4 addresses of the interfaces to ask on; `[nil]` (the system's choice) when none is listed.
    static func multicastInterfaces() -> [in_addr?] {
        let devices = (try? System.enumerateDevices()) ?? []
        var addresses: [in_addr?] = []
        var names: Set<String> = []
        for device in devices where device.multicastSupported {
            guard case .v4(let address)? = device.address, names.insert(device.name).inserted else { continue }
            addresses.append(address.address.sin_addr)
        }
        return addresses.isEmpty ? [nil] : addresses
    }

    /// Instances found on several interfaces are one agent: their addresses are joined.
    static func merged(_ known: [ServiceInstance], _ new: [ServiceInstance]) -> [ServiceInstance] {
        var result = known
        for instance in new {
            if let index = result.firstIndex(where: { $0.name == instance.name && $0.host == instance.host && $0.port == instance.port }) {
                for address in instance.addresses where !result[index].addresses.contains(address) {
                    result[index].addresses.append(address)
                }
            } else {
                result.append(instance)
            }
        }
        return result
    }

    /// One interface's browse: the question asked twice (a multicast packet may be lost, and mDNS has no
    /// retransmission of its own), follow-up questions for records an answer left out, answers until `timeout`.
    static func browse(on interface: in_addr?, timeout: Duration, serviceType: String,
                       group: any EventLoopGroup) async throws -> [ServiceInstance] {
        let channel = try await DatagramBootstrap(group: group)
            .bind(host: "0.0.0.0", port: 0) { channel in
                let chosen: EventLoopFuture<Void>
                if let interface, let options = channel as? any SocketOptionProvider {
                    chosen = options.setIPMulticastIF(interface)
                } else {
                    chosen = channel.eventLoop.makeSucceededVoidFuture()
                }
                return chosen.flatMapThrowing { _ in
                    try NIOAsyncChannel<AddressedEnvelope<ByteBuffer>, AddressedEnvelope<ByteBuffer>>(
                        wrappingChannelSynchronously: channel)
                }
            }
        let destination = try SocketAddress(ipAddress: multicastGroup, port: mdnsPort)
        let queryID = UInt16.random(in: 1...UInt16.max)
        let browse = ServiceBrowse(serviceType: serviceType)
        return try await channel.executeThenClose { inbound, outbound in
            @Sendable func ask(_ questions: [DNSQuestion]) async throws {
                guard !questions.isEmpty else { return }
                let bytes = try DNSMessage(id: queryID, questions: questions).encodedQuery()
                try await outbound.write(AddressedEnvelope(remoteAddress: destination, data: ByteBuffer(bytes: bytes)))
            }
            return try await withThrowingTaskGroup(of: [ServiceInstance]?.self) { tasks in
                tasks.addTask {
                    var browse = browse
                    do {
                        for try await envelope in inbound {
                            // A packet that is not DNS (or is cut short) is someone else's; keep listening.
                            guard let message = try? DNSMessage.decode(Array(buffer: envelope.data)) else { continue }
                            browse.add(message)
                            try await ask(browse.followUpQuestions())
                        }
                    } catch {
                        // Cancelled at the deadline: what was found so far is the answer.
                    }
                    return browse.found
                }
                tasks.addTask {
                    try await ask([browse.browseQuestion])
                    let first = min(timeout / 3, .seconds(1))
                    try await Task.sleep(for: first)
                    try await ask([browse.browseQuestion])
                    try await Task.sleep(for: timeout - first)
                    return nil
                }
                var found: [ServiceInstance] = []
                while let result = try await tasks.next() {
                    if let result { found = result } else { tasks.cancelAll() }
                }
                return found
            }
        }
    }
}
