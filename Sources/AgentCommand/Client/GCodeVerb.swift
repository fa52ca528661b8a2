import ArgumentParser
import Endpoint
import ManagerClient
import ThreeDPProtocol

/// `client gcode LINE...`: console lines for the printer, and what it answered to each.
struct GCodeVerb: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gcode",
        abstract: "Send G-code lines to the printer and print its replies, e.g. `gcode M105` or `gcode \"M104 S200\" M105`.")

    @OptionGroup var agent: AgentOptions
    @OptionGroup var target: PrinterOption

    /// The contract's limits on one printer.gcode request.
    static let maxLines = 32
    static let maxLineLength = 96

    @Argument(help: "The lines, one argument each (quote a line with spaces).")
    var lines: [String]

    func validate() throws {
        guard (1...Self.maxLines).contains(lines.count) else { throw ValidationError("give 1 to \(Self.maxLines) lines") }
        if let long = lines.first(where: { $0.isEmpty || $0.count > Self.maxLineLength }) {
            throw ValidationError("a line has 1 to \(Self.maxLineLength) characters: \"\(long)\"")
        }
    }

    func run() async throws {
        try await ClientContext.run(agent) { context, session in
            let serviceId = try await context.printer(target, session: session)
            let result = try await session.call("printer.gcode", params: [
                "serviceId": .string(serviceId), "lines": .array(lines.map { .string($0) }),
            ])
            context.output.show(result, Self.replies)
        }
    }

    /// "> M105" for each line sent, then the printer's replies to it.
    static func replies(_ result: JSONValue) -> [String] {
        (result["responses"]?.arrayValue ?? []).flatMap { response in
            ["> " + (response["line"]?.stringValue ?? "?")] + (response["replies"]?.arrayValue ?? []).compactMap(\.stringValue)
        }
    }
}
