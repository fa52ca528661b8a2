import Foundation
import Glibc
import Testing

/// `3dp-content-server` as a person runs it: SIGTERM and SIGINT end it through its service group's graceful
/// shutdown, with exit status 0.
@Suite(.serialized, .timeLimit(.minutes(1))) struct CommandSignalTests {
    @Test(arguments: [SIGTERM, SIGINT])
    func aSignalStopsTheServerGracefully(_ signal: Int32) async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("content-signal-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        try Data("G28\n".utf8).write(to: root.appendingPathComponent("part.gcode"))

        let process = Process()
        process.executableURL = try Self.executable()
        process.arguments = ["--root", root.path, "--listen", "127.0.0.1:0"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        let (ended, endedSink) = AsyncStream.makeStream(of: Void.self)
        process.terminationHandler = { _ in endedSink.yield() }
        try process.run()

        // The server says where it serves once it is bound; the signal comes after that.
        let reader = output.fileHandleForReading
        let announced = await Task.detached { () -> Bool in
            var text = ""
            while !text.contains("serving") {
                let chunk = reader.availableData
                if chunk.isEmpty { return false }
                text += String(decoding: chunk, as: UTF8.self)
            }
            return true
        }.value
        #expect(announced, "the server ended before it said where it serves")
        kill(process.processIdentifier, signal)
        var waits = ended.makeAsyncIterator()
        await waits.next()
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == 0)
    }

    /// The built `3dp-content-server`, next to the test bundle or in a `debug` folder above it.
    static func executable() throws -> URL {
        var starts: [URL] = []
        if let bundle = Bundle.main.executableURL { starts.append(bundle.deletingLastPathComponent()) }
        starts.append(URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent())
        for start in starts {
            var directory = start.standardizedFileURL
            while directory.path != "/" {
                for candidate in [directory.appendingPathComponent("3dp-content-server"),
                                  directory.appendingPathComponent("debug/3dp-content-server")]
                where FileManager.default.isExecutableFile(atPath: candidate.path) {
                    return candidate
                }
                directory = directory.deletingLastPathComponent()
            }
        }
        throw CocoaError(.fileNoSuchFile)
    }
}
