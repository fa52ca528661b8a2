import ArgumentParser
import ManagerClient

/// `client queue`: the printer's jobs in order.
struct QueueVerb: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "queue", abstract: "List the printer's queue: the current job and those waiting (--all: finished ones too).")

    @OptionGroup var agent: AgentOptions
    @OptionGroup var target: PrinterOption

    @Flag(name: .long, help: "Also list finished jobs (completed, failed, cancelled, interrupted).")
    var all = false

    func run() async throws {
        try await ClientContext.run(agent) { context, session in
            let serviceId = try await context.printer(target, session: session)
            let result = try await session.call("queue.list", params: [
                "serviceId": .string(serviceId), "include": .string(all ? "all" : "active"),
            ])
            context.output.show(result) { PrinterText.queue($0["jobs"] ?? .array([])) }
        }
    }
}
