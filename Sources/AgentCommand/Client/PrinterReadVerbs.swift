import ArgumentParser
import Endpoint
import ManagerClient
import ThreeDPProtocol

/// The verbs that ask one thing about one printer and print the answer.
enum PrinterQuery {
    static func run(_ method: String, agent: AgentOptions, target: PrinterOption,
                    text: @escaping (JSONValue) -> String) async throws {
        try await ClientContext.run(agent) { context, session in
            let serviceId = try await context.printer(target, session: session)
            let result = try await session.call(method, params: ["serviceId": .string(serviceId)])
            context.output.show(result) { [text($0)] }
        }
    }
}

/// `client info`: who the printer says it is.
struct InfoVerb: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info", abstract: "Show the printer's identification (product, firmware, serial number, …).")

    @OptionGroup var agent: AgentOptions
    @OptionGroup var target: PrinterOption

    func run() async throws {
        try await PrinterQuery.run("printer.info", agent: agent, target: target, text: PrinterText.info)
    }
}

/// `client attributes`: what the printer and its board offer.
struct AttributesVerb: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attributes", abstract: "Show the build volume, network, memory and storage.")

    @OptionGroup var agent: AgentOptions
    @OptionGroup var target: PrinterOption

    func run() async throws {
        try await PrinterQuery.run("printer.attributes", agent: agent, target: target, text: PrinterText.attributes)
    }
}

/// `client status`: the printer's state, temperatures and job, once.
struct StatusVerb: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Show the printer's state, temperatures and current job (`watch` follows them).")

    @OptionGroup var agent: AgentOptions
    @OptionGroup var target: PrinterOption

    func run() async throws {
        try await PrinterQuery.run("printer.status", agent: agent, target: target, text: PrinterText.status)
    }
}
