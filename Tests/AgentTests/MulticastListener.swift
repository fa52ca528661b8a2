import Foundation
import Glibc
import MulticastDNS
import Synchronization

/// Hears the mDNS traffic of a network namespace the way any host on that LAN does: a socket on port 5353 in the
/// group 224.0.0.251, opened by a thread that has joined the namespace (setns applies to the calling thread
/// only). Each PTR record with TTL 0, a goodbye (RFC 6762 §10.1), becomes a line "goodbye <instance>".
final class MulticastListener: Sendable {
    let lines = LineRecord()
    private let running = Atomic(true)

    static func start(namespace: String) async throws -> MulticastListener {
        let listener = MulticastListener()
        let failure: String? = await withCheckedContinuation { ready in
            Thread { listener.listen(namespace: namespace, ready: ready) }.start()
        }
        if let failure { throw AgentTestError("cannot listen to mDNS in \(namespace): \(failure)") }
        return listener
    }

    func stop() {
        running.store(false, ordering: .relaxed)
    }

    private func listen(namespace: String, ready: CheckedContinuation<String?, Never>) {
        // setns(2) is not in Swift's Glibc module (it needs _GNU_SOURCE): looked up in the C library.
        typealias SetNamespace = @convention(c) (Int32, Int32) -> Int32
        guard let library = dlopen(nil, RTLD_NOW), let symbol = dlsym(library, "setns") else {
            return ready.resume(returning: "no setns in the C library")
        }
        let setNamespace = unsafeBitCast(symbol, to: SetNamespace.self)
        let namespaceFile = open("/run/netns/\(namespace)", O_RDONLY)
        guard namespaceFile >= 0 else { return ready.resume(returning: "open: errno \(errno)") }
        defer { close(namespaceFile) }
        let newNetworkNamespace: Int32 = 0x4000_0000
        guard setNamespace(namespaceFile, newNetworkNamespace) == 0 else { return ready.resume(returning: "setns: errno \(errno)") }

        let descriptor = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        guard descriptor >= 0 else { return ready.resume(returning: "socket: errno \(errno)") }
        defer { close(descriptor) }
        var yes: Int32 = 1
        let size = socklen_t(MemoryLayout<Int32>.size)
        // avahi-daemon holds port 5353 too.
        setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &yes, size)
        setsockopt(descriptor, SOL_SOCKET, SO_REUSEPORT, &yes, size)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(5353).bigEndian
        let bound = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
        guard bound else { return ready.resume(returning: "bind: errno \(errno)") }
        var membership = ip_mreq(imr_multiaddr: in_addr(s_addr: inet_addr("224.0.0.251")),
                                 imr_interface: in_addr(s_addr: inet_addr("127.0.0.1")))
        guard setsockopt(descriptor, Int32(IPPROTO_IP), IP_ADD_MEMBERSHIP, &membership,
                         socklen_t(MemoryLayout<ip_mreq>.size)) == 0 else {
            return ready.resume(returning: "IP_ADD_MEMBERSHIP: errno \(errno)")
        }
        // Wakes every 100 ms to see whether it should stop.
        var timeout = timeval(tv_sec: 0, tv_usec: 100_000)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        ready.resume(returning: nil)

        var buffer = [UInt8](repeating: 0, count: 9000)
        while running.load(ordering: .relaxed) {
            let count = recv(descriptor, &buffer, buffer.count, 0)
            guard count > 0, let message = try? DNSMessage.decode(Array(buffer[..<count])), message.isResponse else { continue }
            for record in message.records where record.ttl == 0 {
                if case .ptr(let instance) = record.data { lines.append("goodbye \(instance.labels.first ?? "")") }
            }
        }
    }
}
