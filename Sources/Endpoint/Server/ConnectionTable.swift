/// Which connections the endpoint holds, by client address, and whether a new one may come in: at most
/// `perAddress` from one address and `total` in all. At the total cap the oldest connection that has not yet
/// sent a whole request is evicted to make room, so that sockets that only sit there (slowloris, a flood of idle
/// connections) can never lock out a Manager that sends its request at once; only when every held connection is
/// serving requests is the new one refused. Pure bookkeeping: the registry closes what it says.
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
    /// Ids in arrival order; ids of entries that are gone or have requested are skipped lazily.
    private var waitingOrder: [UInt64] = []
    private var waitingStart = 0
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
            guard let victim = oldestWaiting() else { return .refusedInTotal }
            evicted = remove(victim)
        }
        let id = nextID
        nextID += 1
        entries[id] = Entry(address: address, handle: handle, hasRequested: false)
        byAddress[address, default: 0] += 1
        waitingOrder.append(id)
        // Connections that are served or gone leave their ids behind; drop them now and then.
        if waitingOrder.count - waitingStart > 2 * total + 64 {
            waitingOrder = waitingOrder[waitingStart...].filter { entries[$0]?.hasRequested == false }
            waitingStart = 0
        }
        return .admitted(id: id, evicted: evicted)
    }

    /// The connection sent a whole request head: it is being served and is no longer evicted for newcomers.
    mutating func markRequested(_ id: UInt64) {
        entries[id]?.hasRequested = true
    }

    @discardableResult
    mutating func remove(_ id: UInt64) -> Handle? {
        guard let entry = entries.removeValue(forKey: id) else { return nil }
        let left = (byAddress[entry.address] ?? 1) - 1
        byAddress[entry.address] = left > 0 ? left : nil
        return entry.handle
    }

    private mutating func oldestWaiting() -> UInt64? {
        while waitingStart < waitingOrder.count {
            let id = waitingOrder[waitingStart]
            if let entry = entries[id], !entry.hasRequested { return id }
            waitingStart += 1
        }
        return nil
    }
}
