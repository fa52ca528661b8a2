import Foundation
import Glibc

/// Debian's `chromedriver` as a child process on a free loopback port (it prints the port it took); it starts
/// Debian's `chromium` for each session. Stopped with SIGTERM, then SIGKILL, by its own process id.
final class ChromeDriver: @unchecked Sendable {
    static let driverPath = "/usr/bin/chromedriver"
    static let browserPath = "/usr/bin/chromium"
    static var isInstalled: Bool {
        FileManager.default.isExecutableFile(atPath: driverPath) && FileManager.default.isExecutableFile(atPath: browserPath)
    }

    let port: Int
    private let process: Process

    private init(process: Process, port: Int) {
        self.process = process
        self.port = port
    }

    static func start(timeout: Duration = .seconds(20)) async throws -> ChromeDriver {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: driverPath)
        process.arguments = ["--port=0", "--allowed-ips=127.0.0.1"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        let (lines, sink) = AsyncStream.makeStream(of: String.self)
        try process.run()
        // A blocking read on a thread of its own: the agent under test needs the few cooperative threads.
        Thread {
            var partial: [UInt8] = []
            while true {
                let chunk = output.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                partial.append(contentsOf: chunk)
                while let newline = partial.firstIndex(of: UInt8(ascii: "\n")) {
                    sink.yield(String(decoding: partial[..<newline], as: UTF8.self))
                    partial.removeSubrange(...newline)
                }
            }
            sink.finish()
        }.start()
        let port: Int? = try await withThrowingTaskGroup(of: Int?.self) { group in
            group.addTask {
                // "ChromeDriver was started successfully on port 46001."
                for await line in lines where line.contains("started successfully on port") {
                    return Int(line.split(separator: " ").last?.trimmingCharacters(in: CharacterSet(charactersIn: ".")) ?? "")
                }
                return nil
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            let first = try await group.next() ?? nil
            group.cancelAll()
            return first
        }
        guard let port else {
            terminate(process)
            throw AgentTestError("chromedriver did not say which port it listens on within \(timeout)")
        }
        return ChromeDriver(process: process, port: port)
    }

    func stop() {
        Self.terminate(process)
    }

    private static func terminate(_ process: Process) {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGTERM)
        let deadline = Date().addingTimeInterval(3)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }
}
