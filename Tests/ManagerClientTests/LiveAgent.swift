import Hummingbird
import HummingbirdCore
import Logging
import ManagerClient
import NIOCore

/// Runs an application on 127.0.0.1, port 0, while `body` talks to it; the address comes from the bound socket,
/// so nothing waits on a guess.
enum LiveAgent {
    static let quietLogger: Logger = {
        var logger = Logger(label: "3dp-agent.client-tests")
        logger.logLevel = .critical
        return logger
    }()

    static func run<Result: Sendable>(
        _ app: some ApplicationProtocol, _ body: @Sendable (AgentURL) async throws -> Result
    ) async throws -> Result {
        let (ports, reportPort) = AsyncStream.makeStream(of: Int.self)
        let observed = PortReportingApplication(base: app) { reportPort.yield($0) }
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await observed.run() }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next(), port > 0 else { throw CancellationError() }
            defer { group.cancelAll() }
            return try await body(AgentURL(host: "127.0.0.1", port: port))
        }
    }
}

/// The application as it is, plus the bound port reported once the server listens.
/// (The test applications attach no extra services, so there are none to forward.)
struct PortReportingApplication<Base: ApplicationProtocol>: ApplicationProtocol {
    typealias Responder = Base.Responder

    let base: Base
    let report: @Sendable (Int) -> Void

    var responder: Responder {
        get async throws { try await base.responder }
    }

    var server: HTTPServerBuilder { base.server }
    var eventLoopGroup: any EventLoopGroup { base.eventLoopGroup }
    var configuration: ApplicationConfiguration { base.configuration }
    var logger: Logger { base.logger }

    @Sendable func onServerRunning(_ channel: any Channel) async {
        await base.onServerRunning(channel)
        report(channel.localAddress?.port ?? 0)
    }
}
