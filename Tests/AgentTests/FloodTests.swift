import Agent
import Endpoint
import Foundation
import Glibc
import Testing
import ThreeDPProtocol

/// The flood of issue 14, finding 3, from a process of its own: 1,100 connections that send nothing, 100
/// slowloris heads and 100 bodies at a byte every 3 s, from 59 loopback addresses, against the agent started with
/// systemd's default soft limit of 1024 open files. Today's limits: the agent raises its soft limit, holds at most
/// `max_connections` (the oldest connection that sent nothing is closed for a newcomer) and 32 per address, and a
/// Manager on 127.0.0.1 is answered within a second throughout on its authenticated WebSocket, and within three on
/// new HTTP connections.
@Suite(.serialized, .timeLimit(.minutes(3)))
struct FloodTests {
    @Test func aManagerIsAnsweredWithinASecondUnderAFloodOfIdleAndSlowConnections() async throws {
        var saved = rlimit()
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &saved)
        var systemdDefault = saved
        systemdDefault.rlim_cur = min(1024, saved.rlim_max)
        setrlimit(Int32(RLIMIT_NOFILE.rawValue), &systemdDefault)
        defer { setrlimit(Int32(RLIMIT_NOFILE.rawValue), &saved) }

        let logs = CapturedLogs()
        try await AgentUnderTest.with(logs: logs) { agent in
            let port = agent.port
            let probe = try await RawConnection.onThread { Result { try ManagerProbe(port: port, token: agent.harnessToken) } }.get()
            let home = agent.stateDirectory.appendingPathComponent("flood-home")
            let flood = try ClientProcess(["bench", "flood", "--port", "\(port)", "--idle", "1100", "--slowloris", "100",
                                           "--slow-bodies", "100", "--interval", "3", "--reopen-delay", "1", "--seconds", "60", "--sources", "2-60",
                                           "--until-end-of-input"], configHome: home)
            #expect(await flood.nextLine() == "flooding")

            var webSocket: [Duration?] = []
            var http: [Duration?] = []
            var heldByAgent: [Int] = []
            var connects: [Duration] = []
            for _ in 0..<8 {
                // Spread the samples over the flood's life: the slow clients send every 3 s.
                try await Task.sleep(for: .seconds(1))
                webSocket.append(await RawConnection.onThread { probe.overWebSocket() })
                http.append(await RawConnection.onThread { probe.overHTTP() })
                connects.append(probe.lastConnect)
                heldByAgent.append(Self.openSockets())
            }
            flood.closeInput()
            let outcome = await flood.finished()
            let counts = try JSONValue.parse(Array((outcome.lines.last ?? "").utf8))

            #expect(webSocket.allSatisfy { $0 != nil && $0! < .seconds(1) }, "WebSocket answers: \(webSocket)")
            // A fresh connection also waits for its accept among the flood's reconnections on two shared cores: it
            // gets the looser bound of the soak test (it stayed under a second in 15 of 18 runs at load 10–15).
            #expect(http.allSatisfy { $0 != nil && $0! < .seconds(3) }, "HTTP answers on new connections: \(http), of which connecting: \(connects)")
            // The sockets of this process are the agent's and the probe's (the flood is in its own process): the
            // agent's 256 plus those it is closing, far from the 1024 it started with.
            #expect(heldByAgent.allSatisfy { $0 < 800 }, "sockets held: \(heldByAgent)")
            #expect((counts["closedByAgent"]?.intValue ?? 0) > 1000, "flood: \(counts)")
            let warnings = logs.all.filter { $0.hasPrefix("warning") && $0.contains("connection") }
            #expect(!warnings.isEmpty, "a cap that turns connections away says so")
            #expect(warnings.count <= 4, "…at most once per 10 s: \(warnings)")
            print("flood: WebSocket \(webSocket.compactMap { $0 }.max() ?? .zero) max, HTTP \(http.compactMap { $0 }.max() ?? .zero) max, sockets held \(heldByAgent.max() ?? 0) max, flood \(counts)")
        }
    }

    /// Open sockets of this process.
    static func openSockets() -> Int {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        return entries.filter { entry in
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\(entry)"))?.hasPrefix("socket:") == true
        }.count
    }
}
