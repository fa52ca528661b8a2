import Board
import ContentServer
import Endpoint
import Content
import Foundation
import Logging
import Slicing
import Testing

/// The seed flow with a 3D model: the agent downloads it, slices it with a slicer installed on this machine, and
/// prints the G-code on the virtual printer. Needs a slicer (CI installs all three); without one it says so.
@Suite(.serialized, .timeLimit(.minutes(3))) struct SlicingThroughTheEndpointTests {
    typealias Flow = PrintStartTests
    typealias Collect = PrintingThroughTheEndpointTests

    static func requireSlicer() async throws -> InstalledSlicer {
        do {
            return try await SlicerDiscovery.find(.automatic)
        } catch {
            // Skipped with the reason, not passed: CI installs all three slicers.
            try Test.cancel("this test needs a slicer: \(error.description)")
        }
    }

    /// A closed box as ASCII STL: `solid`, 12 facets.
    static func box(x: Double, y: Double, z: Double) -> String {
        let corners = [(0.0, 0.0, 0.0), (x, 0, 0), (0, y, 0), (x, y, 0), (0, 0, z), (x, 0, z), (0, y, z), (x, y, z)]
        let faces = [[0, 2, 3, 1], [4, 5, 7, 6], [0, 1, 5, 4], [2, 6, 7, 3], [0, 4, 6, 2], [1, 3, 7, 5]]
        var text = "solid box\n"
        for face in faces {
            for triangle in [[face[0], face[1], face[2]], [face[0], face[2], face[3]]] {
                text += "facet normal 0 0 0\nouter loop\n"
                for corner in triangle { text += "vertex \(corners[corner].0) \(corners[corner].1) \(corners[corner].2)\n" }
                text += "endloop\nendfacet\n"
            }
        }
        return text + "endsolid box\n"
    }

    @Test func anSTLSelectionIsSlicedAndPrinted() async throws {
        let slicer = try await Self.requireSlicer()
        try await Flow.withAgentAndContent(["cube.stl": Self.box(x: 12, y: 12, z: 2)]) { agent, server, spool in
            let subscription = try await Flow.subscribe(agent)
            let jobId = try #require(try await Flow.start(agent, server, contentId: "cube.stl")["job"]?["jobId"]?.stringValue)
            let (finished, seen) = try await Flow.finalState(agent, subscription, jobId: jobId)
            #expect(finished["state"] == "completed", "\(finished["message"] ?? "")")
            let states = seen.filter { $0["callbackId"] == "job.state" }.compactMap { $0["result"]?["job"]?["state"]?.stringValue }
            let order = ["downloading", "slicing", "ready", "printing", "completed"].map { states.firstIndex(of: $0) ?? -1 }
            #expect(order == order.sorted() && !order.contains(-1), "\(states)")
            let slicing = seen.filter { $0["callbackId"] == "job.progress" && $0["result"]?["stage"] == "slicing" }
                .compactMap { $0["result"]?["slicing"] }
            #expect(!slicing.isEmpty)
            let fractions = slicing.compactMap { $0["progress"]?.doubleValue }
            #expect(fractions == fractions.sorted(), "monotonic")
            #expect(slicing.allSatisfy { $0["slicer"]?.stringValue?.hasPrefix(slicer.kind.description) == true })
            #expect(slicing.contains { ($0["stage"]?.stringValue ?? "").isEmpty == false && $0["stage"] != "waiting" })
            // What the print tells, from the G-code's own comments.
            let info = finished["print"]
            #expect(info?["layerCount"]?.intValue == 10 || slicer.kind == .slic3r || slicer.kind == .prusaSlicer)
            #expect(info?["estimatedSeconds"]?.intValue.map { $0 > 0 } == true || slicer.kind == .slic3r)
            #expect(Flow.spoolFiles(spool).isEmpty, "the model, the G-code and the slicer's directory are gone")
        }
    }

    @Test func aModelTooBigFailsBeforeSlicingWithBothSizes() async throws {
        _ = try await Self.requireSlicer()
        try await Flow.withAgentAndContent(["tower.stl": Self.box(x: 10, y: 10, z: 400)]) { agent, server, spool in
            let subscription = try await Flow.subscribe(agent)
            let jobId = try #require(try await Flow.start(agent, server, contentId: "tower.stl")["job"]?["jobId"]?.stringValue)
            let (finished, _) = try await Flow.finalState(agent, subscription, jobId: jobId)
            #expect(finished["state"] == "failed")
            let message = finished["message"]?.stringValue ?? ""
            #expect(message.contains("10 × 10 × 400 mm"), "\(message)")
            #expect(message.contains("does not fit"))
            #expect(Flow.spoolFiles(spool).isEmpty)
        }
    }

    @Test func garbageFailsClearlyAndKeepsNothing() async throws {
        _ = try await Self.requireSlicer()
        try await Flow.withAgentAndContent([:], binaryFiles: ["noise.stl": (0..<5000).map { UInt8(truncatingIfNeeded: $0 &* 7919 &+ 13) }]) { agent, server, spool in
            let subscription = try await Flow.subscribe(agent)
            let jobId = try #require(try await Flow.start(agent, server, contentId: "noise.stl")["job"]?["jobId"]?.stringValue)
            let (finished, _) = try await Flow.finalState(agent, subscription, jobId: jobId)
            #expect(finished["state"] == "failed")
            let message = finished["message"]?.stringValue ?? ""
            #expect(message.contains("STL model is broken") || message.contains("this board slices at most"), "\(message)")
            #expect(Flow.spoolFiles(spool).isEmpty)
        }
    }

    /// print.stop while the slicer runs: it ends at once (SIGTERM) and the spool is left empty.
    @Test func stoppingAJobWhileItIsSlicedEndsTheSlicer() async throws {
        _ = try await Self.requireSlicer()
        let sphere = try sphereSTL()
        try await Flow.withAgentAndContent([:], binaryFiles: ["ball.stl": sphere]) { agent, server, spool in
            let subscription = try await Flow.subscribe(agent)
            let jobId = try #require(try await Flow.start(agent, server, contentId: "ball.stl")["job"]?["jobId"]?.stringValue)
            _ = try await Collect.collect(agent, subscription) {
                $0["callbackId"] == "job.progress" && $0["result"]?["stage"] == "slicing"
                    && ($0["result"]?["slicing"]?["progress"]?.doubleValue ?? 0) > 0
            }
            // printer.status and queue.list show the slice.
            let status = try await agent.result("printer.status", ["serviceId": "vp1"], token: agent.harnessToken)
            #expect(status["preparing"]?["jobId"]?.stringValue == jobId)
            #expect(status["preparing"]?["state"] == "slicing")
            let queue = try await agent.result("queue.list", ["serviceId": "vp1"], token: agent.harnessToken)
            let listed = queue["jobs"]?.arrayValue?.first { $0["jobId"]?.stringValue == jobId }
            #expect(listed?["stage"] == "slicing")
            #expect((listed?["slicing"]?["progress"]?.doubleValue ?? 0) > 0)
            let stopped = ContinuousClock.now
            let answer = try await agent.result("print.stop", ["jobId": .string(jobId)], token: agent.harnessToken)
            #expect(answer["job"]?["state"] == "cancelled" || answer["queue"] != nil)
            // The slicer's directory goes when the slicer has ended, a moment after the answer.
            while !Flow.spoolFiles(spool).isEmpty, ContinuousClock.now - stopped < .seconds(10) {
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(Flow.spoolFiles(spool).isEmpty)
            #expect(ContinuousClock.now - stopped < .seconds(5))
        }
    }

    /// SIGTERM's graceful shutdown while a model is sliced: the slicer ends with the agent, and the job stays
    /// `slicing` on disk (it slices again after the restart, see SlicingCrashRecoveryTests).
    @Test func shuttingDownTheAgentEndsTheSlicer() async throws {
        _ = try await Self.requireSlicer()
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("3dp-content-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        try Data(try sphereSTL()).write(to: root.appendingPathComponent("ball.stl"))
        var quiet = Logger(label: "content-server.test")
        quiet.logLevel = .critical
        try await ContentServer.serve(ContentServerSettings(root: root.path, port: 0, adminKey: "admin-key-for-tests"),
                                      logger: quiet) { server in
            let trusted = TrustedContentServer(url: server.baseURL, name: "test content", allowPlainHTTP: true)
            let agent = try await AgentUnderTest.start(contentServers: [trusted], configurePrinter: { $0.baudRate = 1_000_000 })
            var slicerPid: Int32?
            do {
                let subscription = try await Flow.subscribe(agent)
                let jobId = try #require(try await Flow.start(agent, server, contentId: "ball.stl")["job"]?["jobId"]?.stringValue)
                _ = try await Collect.collect(agent, subscription) {
                    $0["callbackId"] == "job.progress" && ($0["result"]?["slicing"]?["progress"]?.doubleValue ?? 0) > 0
                }
                let pidFile = agent.stateDirectory.appendingPathComponent("spool/\(jobId).slicing/slicer.pid")
                slicerPid = Int32(try String(contentsOf: pidFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines))
            } catch {
                await agent.stop()
                throw error
            }
            let pid = try #require(slicerPid)
            #expect(FileManager.default.fileExists(atPath: "/proc/\(pid)/cmdline"))
            let stopping = ContinuousClock.now
            await agent.stop()
            #expect(ContinuousClock.now - stopping < .seconds(10))
            #expect(!FileManager.default.fileExists(atPath: "/proc/\(pid)/cmdline") || SlicingCrashRecoveryTests.isZombie(pid),
                    "the slicer ended with the agent")
        }
    }

    private func sphereSTL() throws -> [UInt8] {
        var mesh = TriangleMesh()
        let rings = 160, segments = 160, radius: Float = 50
        for ring in 0...rings {
            let theta = Float.pi * Float(ring) / Float(rings)
            for segment in 0..<segments {
                let phi = 2 * Float.pi * Float(segment) / Float(segments)
                mesh.vertices.append(SIMD3(radius * sin(theta) * cos(phi), radius * sin(theta) * sin(phi), radius + radius * cos(theta)))
            }
        }
        for ring in 0..<rings {
            for segment in 0..<segments {
                let a = UInt32(ring * segments + segment), b = UInt32((ring + 1) * segments + segment)
                let c = UInt32((ring + 1) * segments + (segment + 1) % segments), d = UInt32(ring * segments + (segment + 1) % segments)
                mesh.triangles.append(SIMD3(a, b, c))
                mesh.triangles.append(SIMD3(a, c, d))
            }
        }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("sphere-\(UUID().uuidString).stl").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try BinarySTLWriter.write(mesh, to: path)
        return Array(try Data(contentsOf: URL(fileURLWithPath: path)))
    }
}
