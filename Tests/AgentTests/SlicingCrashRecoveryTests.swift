import Foundation
import Slicing
import Testing

/// `kill -9` of `3dp-agent run` while it slices: the slicer it leaves behind is ended when the agent starts again,
/// and the job slices again from the model kept in the spool (no token, no second download).
@Suite(.serialized, .timeLimit(.minutes(3))) struct SlicingCrashRecoveryTests {
    typealias Crash = CrashRecoveryTests

    /// A sphere of about 60k triangles as ASCII STL: a slice of a few seconds, a print of a few.
    static func sphere(radius: Double, rings: Int, segments: Int) -> String {
        func point(_ ring: Int, _ segment: Int) -> String {
            let theta = Double.pi * Double(ring) / Double(rings), phi = 2 * Double.pi * Double(segment % segments) / Double(segments)
            return "vertex \(radius * sin(theta) * cos(phi)) \(radius * sin(theta) * sin(phi)) \(radius + radius * cos(theta))\n"
        }
        var text = "solid ball\n"
        for ring in 0..<rings {
            for segment in 0..<segments {
                for triangle in [[(ring, segment), (ring + 1, segment), (ring + 1, segment + 1)],
                                 [(ring, segment), (ring + 1, segment + 1), (ring, segment + 1)]] {
                    text += "facet normal 0 0 0\nouter loop\n" + triangle.map { point($0.0, $0.1) }.joined() + "endloop\nendfacet\n"
                }
            }
        }
        return text + "endsolid ball\n"
    }

    @Test func aSliceCutByKill9SlicesAgainFromTheSpoolAfterTheRestart() async throws {
        _ = try await SlicingThroughTheEndpointTests.requireSlicer()
        let model = Self.sphere(radius: 12, rings: 170, segments: 170)
        try await Crash.withPrinterAndContent(baud: 1_000_000, ["ball.stl": model], faults: .none) { printer, server, setup in
            var agent = try await Crash.startAgent(setup, printer)
            let subscription = try await agent.result("events.subscribe", ["topics": ["job.progress", "job.state"]], token: setup.token)
            let issued = try await server.issueToken(contentId: "ball.stl")
            let started = try await agent.result("print.start", [
                "serviceId": "vp1", "contentServer": .string(server.baseURL), "token": .string(issued.token),
            ], token: setup.token)
            let jobId = try #require(started["job"]?["jobId"]?.stringValue)
            _ = try await PrintingThroughTheEndpointTests.collect(agent, try #require(subscription["subscriptionId"])) {
                $0["result"]?["stage"] == "slicing" && ($0["result"]?["slicing"]?["progress"]?.doubleValue ?? 0) > 0
            }
            let spool = setup.state.appendingPathComponent("spool")
            let pidText = try String(contentsOf: spool.appendingPathComponent("\(jobId).slicing/slicer.pid"), encoding: .utf8)
            let slicerPid = try #require(Int32(pidText.trimmingCharacters(in: .whitespacesAndNewlines)))
            await Crash.kill(agent)
            #expect(FileManager.default.fileExists(atPath: "/proc/\(slicerPid)"), "the orphaned slicer still runs")
            #expect(FileManager.default.fileExists(atPath: spool.appendingPathComponent("\(jobId).stl").path), "the model is kept")
            let requestsBefore = await server.servedRequests().count

            agent = try await Crash.startAgent(setup, printer)
            let reached = try await Crash.await(agent, jobId: jobId, reaching: ["printing", "completed", "failed"])
            #expect(reached["state"] == "printing" || reached["state"] == "completed", "\(reached["message"] ?? "")")
            #expect(!FileManager.default.fileExists(atPath: "/proc/\(slicerPid)/cmdline") || Self.isZombie(slicerPid),
                    "the orphan was ended")
            #expect(await server.servedRequests().count == requestsBefore, "sliced from the spool, nothing downloaded again")
            _ = try? await agent.result("print.stop", ["jobId": .string(jobId)], token: setup.token)
            _ = try await Crash.await(agent, jobId: jobId, reaching: ["completed", "cancelled", "failed", "interrupted"])
            await Crash.kill(agent)
        }
    }

    static func isZombie(_ pid: Int32) -> Bool {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return true }
        return status.contains("State:\tZ")
    }
}
