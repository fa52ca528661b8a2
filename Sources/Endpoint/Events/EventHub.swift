import Foundation
import Synchronization
import ThreeDPProtocol

/// Who wants which callbacks: subscriptions by id, each delivering into a client's mailbox. Publishing encodes
/// nothing per client: the result is encoded once and shared; only the small envelope is per message.
/// Keeps the latest measurement of each printer so that a new subscriber gets it at once (7.3.3).
public final class EventHub: Sendable {
    public struct Subscription: Sendable, Equatable {
        public var id: String
        /// The paired client (token record id) that owns it: only it may poll or end it.
        public var clientID: String
        /// nil: every printer.
        public var serviceId: String?
        public var topics: Set<CallbackTopic>
        public var mailbox: CallbackMailbox
        /// Long-polling subscriptions expire when not polled; WebSocket ones end with their connection.
        public var isPolled: Bool
        public var lastPolled: ContinuousClock.Instant

        func matches(_ topic: CallbackTopic, serviceId: String) -> Bool {
            topics.contains(topic) && (self.serviceId == nil || self.serviceId == serviceId)
        }
    }

    private struct LatestKey: Hashable {
        var topic: CallbackTopic
        var serviceId: String
    }

    private struct Connection {
        var mailbox: CallbackMailbox
        /// Set once the session authenticated.
        var clientID: String?
    }

    private struct State {
        var subscriptions: [String: Subscription] = [:]
        /// Every WebSocket connection, subscribed or not: what a shutdown closes, and whose client a revocation ends.
        var connections: [ObjectIdentifier: Connection] = [:]
        var isClosed = false
        var disconnectWaiters: [CheckedContinuation<Void, Never>] = []
        var latest: [LatestKey: [UInt8]] = [:]
        var nextSubscription: UInt64 = 1
    }

    private let state = Mutex(State())
    private let sequence = Mutex<UInt64>(0)
    public let mailboxCapacity: Int

    public init(mailboxCapacity: Int = 256) {
        self.mailboxCapacity = mailboxCapacity
    }

    /// Subscribes; the latest measurement of each matching printer is posted at once.
    public func subscribe(clientID: String, serviceId: String?, topics: Set<CallbackTopic>,
                          mailbox: CallbackMailbox?, now: ContinuousClock.Instant = .now) -> Subscription {
        state.withLock { state in
            let id = "sub-\(state.nextSubscription)"
            state.nextSubscription += 1
            let subscription = Subscription(id: id, clientID: clientID, serviceId: serviceId, topics: topics,
                                            mailbox: mailbox ?? CallbackMailbox(capacity: mailboxCapacity),
                                            isPolled: mailbox == nil, lastPolled: now)
            state.subscriptions[id] = subscription
            for (key, payload) in state.latest.sorted(by: { $0.key.topic.rawValue < $1.key.topic.rawValue })
            where subscription.matches(key.topic, serviceId: key.serviceId) {
                subscription.mailbox.post(.init(topic: key.topic, serviceId: key.serviceId, payload: payload))
            }
            return subscription
        }
    }

    public func subscription(_ id: String) -> Subscription? {
        state.withLock { $0.subscriptions[id] }
    }

    @discardableResult
    public func unsubscribe(_ id: String) -> Subscription? {
        state.withLock { $0.subscriptions.removeValue(forKey: id) }
    }

    /// A WebSocket connection's mailbox, for `closeAll`; false when the hub is already closed.
    public func attach(_ mailbox: CallbackMailbox) -> Bool {
        state.withLock { state in
            guard !state.isClosed else { return false }
            state.connections[ObjectIdentifier(mailbox)] = Connection(mailbox: mailbox)
            return true
        }
    }

    /// Records which paired client a WebSocket connection now speaks for (after `session.authenticate`), so that
    /// revoking that client ends the connection.
    public func assign(_ mailbox: CallbackMailbox, toClient clientID: String?) {
        state.withLock { $0.connections[ObjectIdentifier(mailbox)]?.clientID = clientID }
    }

    /// The clients with an authenticated WebSocket or a subscription: the ones a revocation may have to end.
    public var activeClientIDs: Set<String> {
        state.withLock { state in
            Set(state.connections.values.compactMap(\.clientID)).union(state.subscriptions.values.map(\.clientID))
        }
    }

    /// Ends everything of the clients `isRevoked` names: their WebSocket sessions close (1008 with `reason`),
    /// their subscriptions go (no more callbacks), and a long poll waiting on one answers at once. Returns how many
    /// connections and subscriptions were ended.
    @discardableResult
    public func endClients(where isRevoked: (String) -> Bool, reason: String) -> Int {
        let mailboxes = state.withLock { state -> [CallbackMailbox] in
            var ended = state.connections.values.filter { $0.clientID.map(isRevoked) ?? false }.map(\.mailbox)
            for (id, subscription) in state.subscriptions where isRevoked(subscription.clientID) {
                state.subscriptions[id] = nil
                if subscription.isPolled { ended.append(subscription.mailbox) }
            }
            return ended
        }
        for mailbox in mailboxes { mailbox.close(MailboxClosing(.accessRevoked, reason)) }
        return mailboxes.count
    }

    /// Ends every subscription that delivers into `mailbox` and forgets it (its WebSocket closed).
    public func unsubscribeAll(of mailbox: CallbackMailbox) {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.subscriptions = state.subscriptions.filter { $0.value.mailbox !== mailbox }
            state.connections[ObjectIdentifier(mailbox)] = nil
            guard state.connections.isEmpty else { return [] }
            defer { state.disconnectWaiters = [] }
            return state.disconnectWaiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// The agent is stopping: every WebSocket client and every pending long poll is ended with `reason`, so that
    /// no client holds up the shutdown; new connections are refused. Returns once every WebSocket session has
    /// said goodbye (a close frame with the reason), or after `grace`.
    public func closeAll(reason: String, grace: Duration = .seconds(3)) async {
        let mailboxes = state.withLock { state -> [CallbackMailbox] in
            state.isClosed = true
            let all = state.connections.values.map(\.mailbox) + state.subscriptions.values.map(\.mailbox)
            state.subscriptions = [:]
            return all
        }
        for mailbox in mailboxes { mailbox.close(MailboxClosing(.agentStopping, reason)) }
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                await withCheckedContinuation { continuation in
                    let done = self.state.withLock { state -> Bool in
                        guard !state.connections.isEmpty else { return true }
                        state.disconnectWaiters.append(continuation)
                        return false
                    }
                    if done { continuation.resume() }
                }
            }
            group.addTask { try? await Task.sleep(for: grace) }
            await group.next()
            group.cancelAll()
            // A session stuck past the grace keeps its waiter; release it so the group can finish.
            let waiters = self.state.withLock { state -> [CheckedContinuation<Void, Never>] in
                defer { state.disconnectWaiters = [] }
                return state.disconnectWaiters
            }
            for waiter in waiters { waiter.resume() }
        }
    }

    public func markPolled(_ id: String, now: ContinuousClock.Instant = .now) {
        state.withLock { $0.subscriptions[id]?.lastPolled = now }
    }

    /// Drops long-polling subscriptions nobody polled for `ttl`: a Manager that went away leaves nothing behind.
    @discardableResult
    public func expirePolled(olderThan ttl: Duration, now: ContinuousClock.Instant = .now) -> Int {
        let expired = state.withLock { state -> [Subscription] in
            let old = state.subscriptions.values.filter { $0.isPolled && now - $0.lastPolled > ttl }
            for subscription in old { state.subscriptions[subscription.id] = nil }
            return old
        }
        for subscription in expired { subscription.mailbox.close(MailboxClosing(.ended, "not polled for \(ttl)")) }
        return expired.count
    }

    public var subscriptionCount: Int { state.withLock { $0.subscriptions.count } }

    /// Delivers an encoded callback result to every matching subscription. A mailbox that overflows closes (its
    /// client is ended by its transport) and its subscriptions go.
    public func publish(_ topic: CallbackTopic, serviceId: String, result: [UInt8]) {
        state.withLock { state in
            if topic.isMeasurement { state.latest[LatestKey(topic: topic, serviceId: serviceId)] = result }
            var closed: [String] = []
            var posted: Set<ObjectIdentifier> = []
            for (id, subscription) in state.subscriptions where subscription.matches(topic, serviceId: serviceId) {
                // Two subscriptions of one connection that both match deliver the callback once.
                guard posted.insert(ObjectIdentifier(subscription.mailbox)).inserted else { continue }
                if !subscription.mailbox.post(.init(topic: topic, serviceId: serviceId, payload: result)) {
                    closed.append(id)
                }
            }
            for id in closed { state.subscriptions[id] = nil }
        }
    }

    /// A callback message around an encoded result: `{"jsonrpc","dwapiversion","id","callbackId","result"}`, with
    /// an id no other callback of this agent run has.
    public func message(for callback: CallbackMailbox.Callback) -> [UInt8] {
        let number = sequence.withLock { value -> UInt64 in
            value += 1
            return value
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(callback.payload.count + 96)
        bytes.append(contentsOf: #"{"jsonrpc":"2.0","dwapiversion":"1.0","id":"cb-"#.utf8)
        bytes.append(contentsOf: String(number).utf8)
        bytes.append(contentsOf: #"","callbackId":""#.utf8)
        bytes.append(contentsOf: callback.topic.rawValue.utf8)
        bytes.append(contentsOf: #"","result":"#.utf8)
        bytes.append(contentsOf: callback.payload)
        bytes.append(UInt8(ascii: "}"))
        return bytes
    }
}
