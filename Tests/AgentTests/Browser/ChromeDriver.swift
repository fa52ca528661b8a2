import ChildProcesses
import Foundation
import Glibc

/// Debian's `chromedriver` as a child process on a free loopback port (it prints the port it took); it starts
/// Debian's `chromium` for each session. Stopped with SIGTERM, then SIGKILL after three seconds.
struct ChromeDriver: Sendable {
    static let driverPath = "/usr/bin/chromedriver"
    static let browserPath = "/usr/bin/chromium"
    static var isInstalled: Bool {
        FileManager.default.isExecutableFile(atPath: driverPath) && FileManager.default.isExecutableFile(atPath: browserPath)
    }

    let port: Int

    /// Runs `body` with a driver that has said its port, and stops the driver however `body` ends.
    static func with<Result>(timeout: Duration = .seconds(20), _ body: (ChromeDriver) async throws -> Result) async throws -> Result {
        let child = ChildProcess(driverPath, ["--port=0", "--allowed-ips=127.0.0.1"])
        return try await child.stopping(grace: .seconds(3)) {
            let port: Int? = try await withThrowingTaskGroup(of: Int?.self) { group in
                group.addTask {
                    // "ChromeDriver was started successfully on port 46001."
                    let line = await child.standardOutput.first { $0.contains("started successfully on port") }
                    return Int(line?.split(separator: " ").last?.trimmingCharacters(in: CharacterSet(charactersIn: ".")) ?? "")
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
                throw AgentTestError("chromedriver did not say which port it listens on within \(timeout)")
            }
            return try await body(ChromeDriver(port: port))
        }
    }
}
