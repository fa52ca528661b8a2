import ArgumentParser
import Endpoint
import Foundation
import ManagerClient

/// `client start`: `print.start` with a content server's token, as a Manager plug-in does once its user chose.
struct StartVerb: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "start",
        abstract: "Print what a content server's token selects: the agent fetches, checks and queues it.",
        discussion: "The token is read from --token, else from $THREEDP_CONTENT_TOKEN (which keeps it out of the shell's history and `ps`).")

    @OptionGroup var agent: AgentOptions
    @OptionGroup var target: PrinterOption

    @Option(name: .customLong("content-server"), help: ArgumentHelp("The content server's base URL, one the agent trusts (see `client servers`).", valueName: "URL"))
    var contentServer: String

    @Option(help: ArgumentHelp("The token the content server issued for the selection.", valueName: "TOKEN"))
    var token: String?

    func run() async throws {
        let given = token ?? ProcessInfo.processInfo.environment["THREEDP_CONTENT_TOKEN"]
        try await ClientContext.run(agent) { context, session in
            guard let token = given, !token.isEmpty else {
                throw ClientFailure.usage("give the content server's token with --token or $THREEDP_CONTENT_TOKEN")
            }
            let serviceId = try await context.printer(target, session: session)
            let result = try await session.call("print.start", params: [
                "serviceId": .string(serviceId), "contentServer": .string(contentServer), "token": .string(token),
            ])
            context.output.show(result, JobControl.lines)
        }
    }
}

/// `client servers`: the content servers the agent fetches from.
struct ServersVerb: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "servers", abstract: "List the content servers the agent is configured to fetch from.")

    @OptionGroup var agent: AgentOptions

    func run() async throws {
        try await ClientContext.run(agent) { context, session in
            let result = try await session.call("content.servers")
            context.output.show(result) { result in
                let servers = result["servers"]?.arrayValue ?? []
                if servers.isEmpty { return ["no content server is configured: the agent fetches no content"] }
                return servers.map { "\($0["name"]?.stringValue ?? "?")  \($0["url"]?.stringValue ?? "?")" }
            }
        }
    }
}
