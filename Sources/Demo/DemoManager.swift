import CommandSupport
import ContentServer
import Endpoint
import Foundation
import ManagerClient
import ThreeDPProtocol
import VirtualPrinter

/// The Manager plug-in's side of the demo, over the agent's real 3DP-1 endpoint: what a plug-in author's code
/// does, step by step, with what it sees printed as it goes.
struct DemoManager: Sendable {
    static let contentId = "sample-part.gcode"
    /// What the content server serves and the Manager selects: the sample part, or `demo --model FILE`'s model.
    var selected = DemoManager.contentId

    let agentPort: Int
    let printer: VirtualPrinter
    let content: RunningContentServer
    let interactive: Bool

    struct Summary: Sendable {
        var jobId: String
        var name: String
        var state: String
        var message: String
        var lines: Int
        var bytes: Int
        var printSeconds: Double

        func lines(total: Duration) -> [String] {
            var text = ["", "summary    job \(jobId) \(name): \(state)\(message.isEmpty ? "" : " (\(message))")"]
            text.append("           \(bytes) bytes fetched by the agent with the token, \(lines) G-code lines confirmed by the printer in \(String(format: "%.1f", printSeconds)) s")
            let seconds = Double(total.components.seconds) + Double(total.components.attoseconds) / 1e18
            text.append("           the whole demo took \(String(format: "%.1f", seconds)) s; everything it started has stopped")
            return text
        }
    }

    static func randomKey() -> String {
        (0..<4).map { _ in String(UInt64.random(in: .min ... .max), radix: 36) }.joined()
    }

    func play() async throws -> Summary {
        let url = AgentURL(host: "127.0.0.1", port: agentPort)
        // (1) Discovery and pairing: open methods, then the code a person reads off the printer's display.
        let token = try await AgentSession.with(url: url, accessToken: nil) { session in
            // A Manager waits for the printer to come online before it asks for a pairing code on its display.
            var discovered = try await session.call("service.discover")
            let deadline = ContinuousClock.now + .seconds(15)
            while discovered["services"]?.arrayValue?.first?["online"]?.boolValue != true {
                guard ContinuousClock.now < deadline else { throw DemoFailure("the virtual printer did not come online") }
                try await Task.sleep(for: .milliseconds(100))
                discovered = try await session.call("service.discover")
            }
            let agent = discovered["agent"]?["name"]?.stringValue ?? "?"
            let services = discovered["services"]?.arrayValue?.compactMap { $0["serviceId"]?.stringValue } ?? []
            Console.line("discover   \(agent), printers: \(services.joined(separator: ", "))")
            _ = try await session.call("pairing.begin", params: ["clientName": "3dp-agent demo"])
            guard let display = printer.displayMessage, let code = display.split(separator: " ").last else {
                throw DemoFailure("the pairing code did not reach the printer's display")
            }
            Console.line("pair       the printer's display reads \"\(display)\"")
            let grant = try await session.call("pairing.complete", params: ["code": .string(String(code)), "clientName": "3dp-agent demo"])
            guard let token = grant["accessToken"]?.stringValue else { throw DemoFailure("pairing gave no access token") }
            Console.line("pair       paired as \(grant["clientId"]?.stringValue ?? "?")")
            return token
        }
        return try await AgentSession.with(url: url, accessToken: token) { session in
            let info = try await session.call("printer.info", params: ["serviceId": "demo-printer"])
            Console.line("info       \(info["productName"]?.stringValue ?? "?"), firmware \(info["firmwareRevision"]?.stringValue ?? "?")")
            let servers = try await session.call("content.servers")
            Console.line("servers    the agent trusts \(servers["servers"]?.arrayValue?.compactMap { $0["url"]?.stringValue }.joined(separator: ", ") ?? "none")")
            return try await printSelection(session)
        }
    }

    /// (2)–(7): subscribe first so that nothing is missed, hand the agent a fresh token, follow the job to its end.
    private func printSelection(_ session: AgentSession) async throws -> Summary {
        let display = DemoProgress(interactive: interactive)
        let (subscribed, subscribedSink) = AsyncStream.makeStream(of: Void.self)
        let (finished, finishedSink) = AsyncStream.makeStream(of: JSONValue.self)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await session.watch(topics: [.jobState, .jobProgress, .printerTemperature], serviceId: "demo-printer",
                                        onSubscribed: { _ in subscribedSink.yield() }) { callback in
                    guard let result = callback.result else { return }
                    if let job = display.show(callback.topic, result) { finishedSink.yield(job) }
                }
            }
            var subscriptions = subscribed.makeAsyncIterator()
            _ = await subscriptions.next()
            Console.line("subscribe  job.state, job.progress and printer.temperature over the WebSocket")

            let issued = try await content.issueToken(contentId: selected)
            Console.line("token      the content server issued a token for \(selected), valid until \(issued.expiresAtText)")
            let answer = try await session.call("print.start", params: [
                "serviceId": "demo-printer", "contentServer": .string(content.baseURL), "token": .string(issued.token),
            ])
            guard let id = answer["job"]?["jobId"]?.stringValue else { throw DemoFailure("print.start gave no job") }
            display.follow(jobId: id)
            Console.line("print      print.start answered at once: job \(id) \(answer["job"]?["state"]?.stringValue ?? "?"), \(answer["queue"]?.arrayValue?.count ?? 0) in the queue")

            var ends = finished.makeAsyncIterator()
            guard let job = await ends.next() else { throw DemoFailure("the callbacks ended before the job did") }
            display.end()
            group.cancelAll()
            return Summary(jobId: id, name: job["name"]?.stringValue ?? "", state: job["state"]?.stringValue ?? "",
                           message: job["message"]?.stringValue ?? "", lines: job["confirmedLines"]?.intValue ?? 0,
                           bytes: job["bytesDownloaded"]?.intValue ?? 0, printSeconds: display.printSeconds)
        }
    }
}

struct DemoFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
