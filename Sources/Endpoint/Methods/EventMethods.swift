import Foundation
import ThreeDPProtocol

/// `events.subscribe`, `events.unsubscribe` and `events.poll` (7.2.3, 7.3.3). On a WebSocket the callbacks go out
/// on the socket; over HTTP they wait in the subscription's mailbox for `events.poll`, which answers as soon as
/// one is there or with `204 No Content` when its timeout passes.
enum EventMethods {
    static let defaultPollSeconds = 30
    static let maxPollSeconds = 60
    /// Callbacks per poll answer; a client that is further behind polls again at once.
    static let maxCallbacksPerPoll = 256

    static func register(into table: inout MethodTable, context: EndpointContext) {
        table.register("events.subscribe") { request, caller in
            try request.allowingOnly(["serviceId", "topics"])
            var serviceId: String?
            if request.params["serviceId"] != nil { serviceId = try context.service(request).serviceId }
            let topics = try topics(request)
            let subscription = context.hub.subscribe(clientID: caller.clientID ?? "", serviceId: serviceId,
                                                     topics: topics, mailbox: caller.mailbox)
            let serviceIds = serviceId.map { [$0] } ?? context.fleet.services.map(\.serviceId)
            return .object([
                "subscriptionId": .string(subscription.id),
                "topics": .array(topics.map(\.rawValue).sorted().map(JSONValue.string)),
                "serviceIds": .array(serviceIds.map(JSONValue.string)),
            ])
        }

        table.register("events.unsubscribe") { request, caller in
            try request.allowingOnly(["subscriptionId"])
            let subscription = try owned(request, caller: caller, hub: context.hub)
            context.hub.unsubscribe(subscription.id)
            if subscription.isPolled { subscription.mailbox.close(MailboxClosing(.ended, "unsubscribed")) }
            return .object(["subscriptionId": .string(subscription.id)])
        }

        table.register("events.poll") { request, caller in
            try request.allowingOnly(["subscriptionId", "timeoutSeconds"])
            let timeout = try request.optionalInt("timeoutSeconds", in: 0...maxPollSeconds) ?? defaultPollSeconds
            let subscription = try owned(request, caller: caller, hub: context.hub)
            guard subscription.isPolled else {
                throw JSONRPCError.invalidOperation(.string("this subscription's callbacks arrive on its WebSocket"))
            }
            context.hub.markPolled(subscription.id)
            defer { context.hub.markPolled(subscription.id) }
            if case .closed(let closing) = await waitForCallbacks(subscription.mailbox, seconds: timeout) {
                context.hub.unsubscribe(subscription.id)
                switch closing.cause {
                case .clientTooSlow: throw JSONRPCError.clientTooSlow(.string(closing.reason))
                case .agentStopping: throw JSONRPCError.noService(.string(closing.reason))
                case .accessRevoked: throw JSONRPCError.authenticationFailed(.string(closing.reason))
                case .unauthenticated: throw JSONRPCError.privilegeNotGranted(.string(closing.reason))
                case .ended: throw JSONRPCError.invalidParameter(.string("the subscription ended: \(closing.reason)"))
                }
            }
            let callbacks = subscription.mailbox.drain(limit: maxCallbacksPerPoll)
            guard !callbacks.isEmpty else { throw NoPendingCallbacks() }
            var messages: [JSONValue] = []
            for callback in callbacks {
                messages.append(try callbackMessage(context.hub.message(for: callback)))
            }
            return .object(["callbacks": .array(messages)])
        }
    }

    private static func topics(_ request: JSONRPCRequest) throws(JSONRPCError) -> Set<CallbackTopic> {
        guard let names = try request.optionalStrings("topics") else { return Set(CallbackTopic.allCases) }
        guard !names.isEmpty else { throw .invalidParams("parameter \"topics\" must name at least one topic") }
        var topics: Set<CallbackTopic> = []
        for name in names {
            guard let topic = CallbackTopic(rawValue: name) else {
                let known = CallbackTopic.allCases.map(\.rawValue).joined(separator: ", ")
                throw .invalidParams("unknown topic \"\(name)\"; topics are \(known)")
            }
            guard topics.insert(topic).inserted else { throw .invalidParams("topic \"\(name)\" is listed twice") }
        }
        return topics
    }

    /// A subscription of the calling client: another client's id is answered as if it did not exist.
    private static func owned(_ request: JSONRPCRequest, caller: RPCCaller, hub: EventHub) throws(JSONRPCError) -> EventHub.Subscription {
        let id = try request.nonEmptyString("subscriptionId")
        guard let subscription = hub.subscription(id), subscription.clientID == caller.clientID ?? "" else {
            throw .invalidParameter(.string("no subscription \(id) of this client"))
        }
        return subscription
    }

    private static func waitForCallbacks(_ mailbox: CallbackMailbox, seconds: Int) async -> CallbackMailbox.Delivery {
        await withTaskGroup(of: CallbackMailbox.Delivery?.self) { group in
            group.addTask { await mailbox.waitForCallbacks() }
            group.addTask {
                try? await Task.sleep(for: .seconds(seconds))
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first ?? .callbacks
        }
    }

    private static func callbackMessage(_ bytes: [UInt8]) throws(JSONRPCError) -> JSONValue {
        do {
            return try JSONValue.parse(bytes)
        } catch {
            throw .internalError("a callback could not be re-read: \(error)")
        }
    }
}
