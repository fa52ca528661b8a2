import ArgumentParser
import CommandSupport
import Endpoint
import Foundation
import ManagerClient
import ThreeDPProtocol

/// What every verb needs before it can ask anything: the agent's normalized URL, the token stored for it, the
/// output form, and a session. `run` is the one place where failures become a line on standard error and an
/// exit status.
struct ClientContext {
    static let urlVariable = "THREEDP_AGENT_URL"
    static let defaultURL = "http://127.0.0.1:\(ThreeDPTransport.defaultPort)"

    let url: AgentURL
    let output: ClientOutput
    let environment: [String: String]

    init(_ options: AgentOptions, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        let text = options.url ?? environment[Self.urlVariable].flatMap { $0.isEmpty ? nil : $0 } ?? Self.defaultURL
        do {
            url = try AgentURL(parsing: text)
        } catch {
            throw ClientFailure.usage(error.description)
        }
        output = ClientOutput(json: options.json)
        self.environment = environment
    }

    /// Runs a verb against the agent. `authenticated` verbs load the stored token first and fail without one.
    /// An `https` agent's connections accept only the certificate pinned at pairing; `firstContact` (pairing)
    /// ignores the pin and takes the certificate the agent presents now, for `pairing.complete` to confirm.
    static func run(_ options: AgentOptions, authenticated: Bool = true, firstContact: Bool = false,
                    _ body: (ClientContext, AgentSession) async throws -> Void) async throws {
        CommandLogging.setUp(level: .warning)
        do {
            let context = try ClientContext(options)
            let credential = authenticated ? try context.storedCredential() : nil
            var pinned: PinnedCertificate?
            if !firstContact, context.url.scheme == "https" {
                pinned = try (credential ?? context.tokenStore().load(for: context.url))?.certificate
            }
            try await AgentSession.with(url: context.url, accessToken: credential?.accessToken,
                                        certificate: pinned) { session in
                try await body(context, session)
            }
        } catch let exit as ExitCode {
            throw exit
        } catch {
            ClientOutput.error(ClientExit.message(for: error))
            throw ClientExit.code(for: error)
        }
    }

    func tokenStore() throws -> ClientTokenStore {
        guard let path = ClientTokenStore.defaultPath(environment: environment) else {
            throw ClientFailure.usage("neither HOME nor XDG_CONFIG_HOME is set: there is nowhere to keep access tokens")
        }
        return ClientTokenStore(path: path)
    }

    func storedCredential() throws -> ClientCredential {
        guard let credential = try tokenStore().load(for: url) else { throw ClientFailure.notPaired(url) }
        return credential
    }

    /// The printer named by `--printer`, else the agent's only one.
    func printer(_ option: PrinterOption, session: AgentSession) async throws -> String {
        if let printer = option.printer { return printer }
        return try PrinterChoice.only(in: try await session.call("service.discover"), at: url)
    }
}
