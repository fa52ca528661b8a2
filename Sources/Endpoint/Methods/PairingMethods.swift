import Foundation
import Jobs
import Logging
import ThreeDPProtocol

/// `pairing.begin` and `pairing.complete` (7.3.1): a code shown on every connected printer's display and once in
/// the agent's log; the right code within its lifetime earns an access token, stored hashed.
enum PairingMethods {
    static let clientNameLength = 1...64

    static func register(into table: inout MethodTable, context: EndpointContext) {
        table.register("pairing.begin", access: .open) { request, caller in
            try request.allowingOnly(["clientName"])
            let clientName = try request.optionalString("clientName")
            try checkName(clientName)
            let now = ContinuousClock.now
            let challenge: PairingChallenge
            switch context.pairing.withLock({ $0.begin(now: now, from: caller.clientAddress ?? "") }) {
            case .success(let begun): challenge = begun
            case .failure(let error): throw rpcError(error, now: now)
            }
            var displayedOn: [JSONValue] = []
            let line = displayLine(challenge.action.displayLine, identity: context.identity)
            for service in context.fleet.services where await service.isOnline {
                do {
                    _ = try await service.send(lines: [line], announcingDisplay: false)
                    displayedOn.append(.string(service.serviceId))
                } catch {
                    context.logger.warning("the pairing code could not be shown on \(service.serviceId): \(error)")
                }
            }
            // The one log line that carries the code: for a printer without a display, the person reads it here.
            context.logger.notice("pairing code \(challenge.code.digits) for \(clientName.map { LogText.escaped($0) } ?? "a Manager"), valid for 2 minutes")
            return .object([
                "expiresInSeconds": .integer(Int64(now.duration(to: challenge.expiresAt).components.seconds)),
                "displayedOn": .array(displayedOn),
            ])
        }

        table.register("pairing.complete", access: .open) { request, caller in
            try request.allowingOnly(["code", "clientName"])
            let code = try request.string("code")
            let clientName = try request.optionalString("clientName")
            try checkName(clientName)
            let now = ContinuousClock.now
            switch context.pairing.withLock({ $0.complete(code: code, now: now, from: caller.clientAddress ?? "") }) {
            case .failure(let error):
                context.logger.info("pairing refused: \(describe(error))", metadata: ["address": "\(caller.clientAddress ?? "unknown")"])
                throw rpcError(error, now: now)
            case .success:
                let issued: (id: String, token: String)
                do {
                    issued = try context.tokens.issue(label: clientName ?? "Manager", now: Date())
                } catch {
                    throw JSONRPCError.fatal(.string("the access token could not be stored: \(error)"))
                }
                context.logger.notice("paired \(clientName.map { LogText.escaped($0) } ?? "a Manager")", metadata: ["client": "\(issued.id)"])
                for service in context.fleet.services where await service.isOnline {
                    _ = try? await service.send(lines: ["M117 Paired"])
                }
                return .object([
                    "accessToken": .string(issued.token), "clientId": .string(issued.id),
                    "certificateFingerprint": context.identity.fingerprint.map { .string($0.description) } ?? .null,
                ])
            }
        }
    }

    /// The code first, so that a 20-column display that cuts the line keeps it; then, over TLS, the first bytes of
    /// the certificate's fingerprint for the person to compare with what the client shows (Marlin scrolls a long
    /// status message on displays that cannot show it whole).
    static func displayLine(_ codeLine: String, identity: EndpointIdentity) -> String {
        guard let fingerprint = identity.fingerprint else { return codeLine }
        return codeLine + " cert " + fingerprint.displayPrefix
    }

    private static func checkName(_ name: String?) throws(JSONRPCError) {
        guard let name else { return }
        guard clientNameLength.contains(name.count) else {
            throw .invalidParams("parameter \"clientName\" must be 1 to 64 characters")
        }
    }

    static func describe(_ error: PairingError) -> String {
        switch error {
        case .notStarted: return "no pairing code is pending; call pairing.begin first"
        case .expired: return "the pairing code has expired; call pairing.begin again"
        case .wrongCode(let left): return "wrong code; \(left) more wrong codes lock pairing for a minute"
        case .locked: return "pairing is locked after too many wrong codes"
        case .randomnessUnavailable: return "the system's random source failed"
        }
    }

    static func rpcError(_ error: PairingError, now: ContinuousClock.Instant) -> JSONRPCError {
        let message = JSONValue.string(describe(error))
        switch error {
        case .notStarted: return .invalidOperation(message)
        case .expired: return JSONRPCError(tableCode: JSONRPCError.pairingExpiredCode, data: message)
        case .wrongCode(let left):
            return .authenticationDenied(.object(["reason": message, "attemptsLeft": .integer(Int64(left))]))
        case .locked:
            return JSONRPCError(tableCode: JSONRPCError.pairingLockedCode, data: .object([
                "reason": message, "retryAfterSeconds": .integer(Int64(error.retryAfterSeconds(now: now) ?? 60)),
            ]))
        case .randomnessUnavailable: return .fatal(message)
        }
    }
}
