import Foundation
import Glibc
import PrinterLink

/// A program the LAN discovery tests run beside the agent (dbus-daemon, avahi-daemon, `ip netns exec …`), with
/// both outputs merged into one record of lines that a test can wait on.
final class SandboxProcess: @unchecked Sendable {
    let process = Process()
    private let record = LineRecord()
    private let exited: AsyncStream<Int32>
    private let ended: @Sendable () -> Void

    init(_ program: String, _ arguments: [String], environment extra: [String: String] = [:]) throws {
        let (exited, exitSink) = AsyncStream.makeStream(of: Int32.self)
        self.exited = exited
        // The exit counts once the process has ended and both outputs are read to their end.
        let remaining = Locked(3)
        let process = self.process
        ended = {
            guard remaining.withLock({ $0 -= 1; return $0 == 0 }) else { return }
            exitSink.yield(process.terminationStatus)
            exitSink.finish()
        }
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(extra) { _, new in new }
        process.standardInput = FileHandle.nullDevice
        let ended = self.ended
        process.terminationHandler = { _ in ended() }
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        for pipe in [output, errors] { pump(pipe.fileHandleForReading) }
    }

    var output: [String] { record.all }

    /// The first line that `matches`, waiting for it until `deadline`; nil when it did not come in time.
    func line(within deadline: Duration, where matches: @escaping @Sendable (String) -> Bool) async -> String? {
        await record.line(within: deadline, where: matches)
    }

    /// SIGTERM, and its exit status once it has gone.
    @discardableResult
    func stop(signal: Int32 = SIGTERM) async -> Int32 {
        if process.isRunning { kill(process.processIdentifier, signal) }
        return await finished()
    }

    func finished() async -> Int32 {
        for await status in exited { return status }
        return process.terminationStatus
    }

    private func pump(_ handle: FileHandle) {
        let record = self.record
        let ended = self.ended
        Thread {
            var partial: [UInt8] = []
            while true {
                let chunk = handle.availableData
                if chunk.isEmpty { break }
                partial.append(contentsOf: chunk)
                while let newline = partial.firstIndex(of: UInt8(ascii: "\n")) {
                    let line = String(decoding: partial[..<newline], as: UTF8.self)
                    record.append(line)
                    partial.removeSubrange(...newline)
                }
            }
            ended()
        }.start()
    }
}
