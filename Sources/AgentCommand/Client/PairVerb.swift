import ArgumentParser
import Endpoint
import Foundation
import Glibc
import ManagerClient
import ThreeDPProtocol

/// `client pair`: asks the agent for a pairing code, takes the code the person reads off the printer's display,
/// and keeps the access token it is exchanged for.
struct PairVerb: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pair",
        abstract: "Pair with the agent: type the 6-digit code shown on the printer's display.",
        discussion: """
            The code also appears in the agent's log. Without --code the code is read from standard input (with a \
            prompt on a terminal). The token is stored for this agent URL and used by every other verb; it is \
            never printed.
            """
    )

    @OptionGroup var agent: AgentOptions

    @Option(name: .long, help: "The code, for scripts that read it themselves (asked for after pairing begins otherwise).")
    var code: String?

    @Option(name: .long, help: "How this client is listed in `3dp-agent pair --list` (1 to 64 characters).")
    var name: String?

    func validate() throws {
        if let code, PairingCode.normalized(code) == nil { throw ValidationError("a pairing code is 6 digits") }
        if let name, !(1...64).contains(name.count) { throw ValidationError("--name takes 1 to 64 characters") }
    }

    func run() async throws {
        try await ClientContext.run(agent, authenticated: false, firstContact: true) { context, session in
            let clientName = name ?? PairingCode.defaultClientName()
            let begun = try await session.call("pairing.begin", params: ["clientName": .string(clientName)])
            context.output.note(PairingCode.instructions(begun))
            if let certificate = session.certificate {
                context.output.note("The agent's TLS certificate starts \(certificate.fingerprint.displayPrefix); the display shows the same after the code (SHA-256 \(certificate.fingerprint)).")
            }

            let entered: String
            if let code {
                entered = code
            } else {
                let prompt = isatty(STDIN_FILENO) == 1
                guard let line = await PairingCode.readLine(prompt: prompt ? "Code: " : nil, json: context.output.json) else {
                    throw ClientFailure.usage("no pairing code was given (standard input ended)")
                }
                entered = line
            }
            guard let typed = PairingCode.normalized(entered) else {
                throw ClientFailure.usage("a pairing code is 6 digits; run `3dp-agent client pair` again")
            }

            let grant = try await session.call("pairing.complete", params: ["code": .string(typed), "clientName": .string(clientName)])
            guard let credential = try ClientCredential.pairing(grant, session: session) else {
                throw ClientFailure.unexpectedAnswer(context.url, "pairing.complete gave no access token")
            }
            let store = try context.tokenStore()
            try store.save(credential, for: context.url)

            // The result carries the token: only what identifies the pairing is shown, in both forms.
            var shown: [String: JSONValue] = ["url": .string(context.url.description), "tokenFile": .string(store.path)]
            if let clientId = credential.clientId { shown["clientId"] = .string(clientId) }
            if let certificate = credential.certificate {
                shown["certificateFingerprint"] = .string(certificate.fingerprint.description)
            }
            context.output.show(.object(shown)) { _ in
                ["paired with \(context.url)" + (credential.clientId.map { " as client \($0)" } ?? "")
                    + "; the access token is kept in \(store.path)"]
                    + (credential.certificate.map { ["pinned the agent's TLS certificate, SHA-256 \($0.fingerprint)"] } ?? [])
            }
        }
    }
}

/// The person's side of pairing: what to tell them, and the code they type.
enum PairingCode {
    /// Six ASCII digits, with surrounding spaces dropped; nil for anything else.
    static func normalized(_ text: String) -> String? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.utf8.count == 6, trimmed.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else {
            return nil
        }
        return trimmed
    }

    /// "3dp-agent client on <host>", within the 64 characters the agent accepts.
    static func defaultClientName() -> String {
        String(("3dp-agent client on " + ProcessInfo.processInfo.hostName).prefix(64))
    }

    /// Where to look for the code, from `pairing.begin`'s result.
    static func instructions(_ begun: JSONValue) -> String {
        let displays = (begun["displayedOn"]?.arrayValue ?? []).compactMap(\.stringValue)
        let seconds = begun["expiresInSeconds"]?.intValue
        var text = displays.isEmpty
            ? "The agent wrote a 6-digit pairing code to its log (no printer display is connected)"
            : "Read the 6-digit pairing code off the display of \(displays.joined(separator: ", ")) (it is also in the agent's log)"
        if let seconds { text += "; it expires in \(seconds) s" }
        return text + "."
    }

    /// One line from standard input, read on a thread of its own so that waiting for a person does not hold one
    /// of the few threads the session's tasks run on.
    static func readLine(prompt: String?, json: Bool) async -> String? {
        if let prompt {
            let handle = json ? FileHandle.standardError : FileHandle.standardOutput
            handle.write(Data(prompt.utf8))
        }
        return await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: Swift.readLine(strippingNewline: true)) }.start()
        }
    }
}
