import ArgumentParser
import CommandSupport
import Endpoint
import Foundation
import ManagerClient
import ThreeDPProtocol

/// `client watch`: the agent's callbacks as they come, one line each, until Ctrl-C or the agent closes.
struct WatchVerb: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Follow the printers live: status, temperatures, job progress, queue, errors and messages.",
        discussion: """
            One line per callback (with --json the whole callback message). Runs until Ctrl-C; when the agent \
            closes the connection (it stops, or finds this client too slow) the reason is printed and the exit \
            status is 2.
            """
    )

    @OptionGroup var agent: AgentOptions

    @Option(name: .long, help: ArgumentHelp("Only these printers' callbacks (default: every printer).", valueName: "ID"))
    var printer: String?

    @Option(name: .long, help: ArgumentHelp(
        "Only these topics, comma-separated: \(CallbackTopic.allCases.map(\.rawValue).joined(separator: ", ")).",
        valueName: "a,b"), transform: WatchTopics.parse)
    var topics: [CallbackTopic]?

    func run() async throws {
        try await ClientContext.run(agent) { context, session in
            let output = context.output
            let url = context.url
            try await session.watch(topics: topics, serviceId: printer, onSubscribed: { subscription in
                let printers = subscription.serviceIds.isEmpty ? "every printer" : subscription.serviceIds.joined(separator: ", ")
                // A note for the person: on standard error, so that the callbacks alone go to standard output.
                ClientOutput.error("watching \(subscription.topics.joined(separator: ", ")) of \(printers) at \(url); Ctrl-C stops")
            }, each: { callback in
                if output.json {
                    Console.line(TerminalText.compactJSON(callback.message))
                } else {
                    Console.line(CallbackText.line(callback, receivedAt: TerminalText.clock(Date())))
                }
            })
            // A plain close ends the stream too, but only the user is meant to end it.
            throw ClientFailure.streamEnded(url)
        }
    }
}

/// `--topics` as typed: comma-separated topic names, each known, none twice.
enum WatchTopics {
    static func parse(_ text: String) throws -> [CallbackTopic] {
        var topics: [CallbackTopic] = []
        for name in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !name.isEmpty {
            guard let topic = CallbackTopic(rawValue: name) else {
                throw ValidationError("unknown topic \"\(name)\"; the topics are \(CallbackTopic.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            if !topics.contains(topic) { topics.append(topic) }
        }
        guard !topics.isEmpty else { throw ValidationError("--topics needs at least one topic") }
        return topics
    }
}
