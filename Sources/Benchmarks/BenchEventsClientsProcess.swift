import ArgumentParser
import Foundation

/// The `bench events-clients` child: started with the token in its environment, its standard output read line by
/// line on a thread of its own, so that no thread of the agent's cooperative pool ever blocks on the pipe.
final class SubscribersProcess: @unchecked Sendable {
    let process = Process()
    /// Lines of the child's standard output, ending when it closes it.
    let lines: AsyncStream<String>
    private let output = Pipe()
    private let errors = Pipe()

    init(port: Int, clients: Int, seconds: Double, token: String) throws {
        process.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        process.arguments = ["bench", "events-clients", "--port", "\(port)", "--clients", "\(clients)",
                             "--seconds", "\(seconds)"]
        var environment = ProcessInfo.processInfo.environment
        environment[BenchEventsClientsCommand.tokenVariable] = token
        process.environment = environment
        process.standardOutput = output
        process.standardError = errors
        let (lines, sink) = AsyncStream.makeStream(of: String.self)
        self.lines = lines
        let handle = output.fileHandleForReading
        try process.run()
        Thread.detachNewThread {
            var pending: [UInt8] = []
            while true {
                let chunk = handle.availableData
                if chunk.isEmpty { break }
                for byte in chunk {
                    if byte == UInt8(ascii: "\n") {
                        sink.yield(String(decoding: pending, as: UTF8.self))
                        pending.removeAll(keepingCapacity: true)
                    } else {
                        pending.append(byte)
                    }
                }
            }
            sink.finish()
        }
    }

    /// What the child wrote on standard error, once it has ended.
    func finish() -> String {
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        return String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    }
}
