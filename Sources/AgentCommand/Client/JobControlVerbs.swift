import ArgumentParser
import Endpoint
import ManagerClient
import ThreeDPProtocol

/// What `pause`, `resume` and `stop` act on: a job named by id, else the printer's current job.
struct JobOption: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The job's id (default: the printer's current job).", valueName: "ID"))
    var job: String?
}

enum JobControl {
    static func run(_ method: String, agent: AgentOptions, target: PrinterOption, job: JobOption) async throws {
        try await ClientContext.run(agent) { context, session in
            // The contract takes one of the two: a job id names its printer already.
            let params: [String: JSONValue]
            if let jobId = job.job {
                params = ["jobId": .string(jobId)]
            } else {
                params = ["serviceId": .string(try await context.printer(target, session: session))]
            }
            context.output.show(try await session.call(method, params: params), lines)
        }
    }

    /// The job acted on, then the queue as it is now.
    static func lines(_ result: JSONValue) -> [String] {
        var lines: [String]
        if let job = result["job"], !job.isNull {
            lines = [PrinterText.job(job)]
        } else {
            lines = ["no job; the queue goes on"]
        }
        if let queue = result["queue"] {
            lines.append("queue:")
            lines += PrinterText.queue(queue).map { "  " + $0 }
        }
        return lines
    }
}

struct PauseVerb: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pause", abstract: "Pause a print (the printer's current job unless --job).")

    @OptionGroup var agent: AgentOptions
    @OptionGroup var target: PrinterOption
    @OptionGroup var job: JobOption

    func run() async throws {
        try await JobControl.run("print.pause", agent: agent, target: target, job: job)
    }
}

struct ResumeVerb: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resume", abstract: "Resume a paused print (the printer's current job unless --job).")

    @OptionGroup var agent: AgentOptions
    @OptionGroup var target: PrinterOption
    @OptionGroup var job: JobOption

    func run() async throws {
        try await JobControl.run("print.resume", agent: agent, target: target, job: job)
    }
}

struct StopVerb: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stop", abstract: "Stop a print or drop a queued job (the printer's current job unless --job); the heaters go off.")

    @OptionGroup var agent: AgentOptions
    @OptionGroup var target: PrinterOption
    @OptionGroup var job: JobOption

    func run() async throws {
        try await JobControl.run("print.stop", agent: agent, target: target, job: job)
    }
}

struct RemoveVerb: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove",
        abstract: "Take a job that is not on the printer out of the queue and the history, with its files in the spool.")

    @OptionGroup var agent: AgentOptions
    @OptionGroup var target: PrinterOption
    @Option(name: .long, help: ArgumentHelp("The job's id (see `queue --all`).", valueName: "ID"))
    var job: String

    func run() async throws {
        try await ClientContext.run(agent) { context, session in
            let serviceId = try await context.printer(target, session: session)
            context.output.show(try await session.call("queue.remove", params: [
                "serviceId": .string(serviceId), "jobId": .string(job),
            ]), JobControl.lines)
        }
    }
}
