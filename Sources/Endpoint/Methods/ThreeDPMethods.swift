import Foundation
import ThreeDPProtocol

/// Every 3DP-1 method of DESIGN.md §4 that this agent answers, in one table.
public enum ThreeDPMethods {
    public static func table(context: EndpointContext) -> MethodTable {
        var table = MethodTable()
        AgentMethods.register(into: &table, context: context)
        PairingMethods.register(into: &table, context: context)
        PrinterMethods.register(into: &table, context: context)
        QueueMethods.register(into: &table, context: context)
        ContentMethods.register(into: &table, context: context)
        EventMethods.register(into: &table, context: context)
        return table
    }

    /// The dispatcher over that table, checking Bearer tokens and `session.authenticate` against the token store.
    public static func dispatcher(context: EndpointContext, limits: JSONRPCLimits = .default) -> RPCDispatcher {
        RPCDispatcher(methods: table(context: context), limits: limits, authenticate: { token in
            guard let record = context.tokens.verify(token: token, now: .now) else { return .rejected }
            return .paired(clientID: record.id)
        }, stillPaired: { context.tokens.isPaired(id: $0) })
    }
}
