import ChildProcesses
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

        let child = ChildProcess(try Self.executable().path, ["--root", root.path, "--listen", "127.0.0.1:0"])
        // The server says where it serves once it is bound; the signal comes after that.
        let announced = await child.standardOutput.first { $0.contains("serving") } != nil
        #expect(announced, "the server ended before it said where it serves")
        child.signal(signal)
        let exit = await child.exit
        #expect(!exit.signalled)
        #expect(exit.code == 0)
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
