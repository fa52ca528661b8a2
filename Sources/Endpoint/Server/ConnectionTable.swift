/// Which connections the endpoint holds, by client address, and whether a new one may come in: at most
/// `perAddress` from one address and `total` in all. At the total cap an idle connection (one that has not yet
/// sent a whole request) is closed to make room: the oldest of the address holding the most idle connections, and
/// only when that address holds more of them than the newcomer's. A flood of idle or slowloris sockets, from
/// however many addresses, so turns away its own newcomers, while a Manager, whose connections are served ones
/// (an authenticated WebSocket, a kept-alive HTTP connection) plus the one it just opened, gets in and is not the
/// one evicted. Only when no address holds more idle connections than the newcomer's is it refused.
/// Pure bookkeeping: the registry closes what it says.
struct ConnectionTable<Handle>: Sendable where Handle: Sendable {
    enum Admission {
        case admitted(id: UInt64, evicted: Handle?)
        case refusedForAddress(count: Int)
        case refusedInTotal
    }

    private struct Entry: Sendable {
        var address: String
        var handle: Handle
        var hasRequested: Bool
    }

    let total: Int
    let perAddress: Int
    private var entries: [UInt64: Entry] = [:]
    private var byAddress: [String: Int] = [:]
    /// Idle connections (no request yet) by address: what eviction weighs.
    private var idleByAddress: [String: Int] = [:]
    private var nextID: UInt64 = 1

    init(total: Int, perAddress: Int) {
        self.total = total
        self.perAddress = perAddress
    }

    var count: Int { entries.count }

    func count(from address: String) -> Int { byAddress[address] ?? 0 }

    mutating func admit(address: String, handle: Handle) -> Admission {
        let fromAddress = byAddress[address] ?? 0
        guard fromAddress < perAddress else { return .refusedForAddress(count: fromAddress) }
        var evicted: Handle?
        if entries.count >= total {
            guard let victim = victim(heavierThan: idleByAddress[address] ?? 0) else { return .refusedInTotal }
            evicted = remove(victim)
        }
        let id = nextID
        nextID += 1
        entries[id] = Entry(address: address, handle: handle, hasRequested: false)
        byAddress[address, default: 0] += 1
        idleByAddress[address, default: 0] += 1
        return .admitted(id: id, evicted: evicted)
    }

    /// A kept-alive connection answered its last request and waits for the next: idle again, and evictable, so
    /// that connections that send one request each and then sit there cannot fill the table for good.
    mutating func markIdle(_ id: UInt64) {
        guard let entry = entries[id], entry.hasRequested else { return }
        entries[id]?.hasRequested = false
        idleByAddress[entry.address, default: 0] += 1
    }

    /// The connection sent a whole request head: it is being served and is not evicted for newcomers.
    mutating func markRequested(_ id: UInt64) {
        guard let entry = entries[id], !entry.hasRequested else { return }
        entries[id]?.hasRequested = true
        decrementIdle(entry.address)
    }

    @discardableResult
    mutating func remove(_ id: UInt64) -> Handle? {
        guard let entry = entries.removeValue(forKey: id) else { return nil }
        let left = (byAddress[entry.address] ?? 1) - 1
        byAddress[entry.address] = left > 0 ? left : nil
        if !entry.hasRequested { decrementIdle(entry.address) }
        return entry.handle
    }

    private mutating func decrementIdle(_ address: String) {
        let left = (idleByAddress[address] ?? 1) - 1
        idleByAddress[address] = left > 0 ? left : nil
    }

    /// The oldest idle connection of the address holding the most idle connections, if it holds more than `count`.
    /// A scan of at most `total` entries, done only at the cap.
    private func victim(heavierThan count: Int) -> UInt64? {
        var best: (id: UInt64, load: Int)?
        for (id, entry) in entries where !entry.hasRequested {
            let load = idleByAddress[entry.address] ?? 0
            guard load > count else { continue }
            if let current = best, current.load > load || (current.load == load && current.id < id) { continue }
            best = (id, load)
        }
        return best?.id
    }
}
