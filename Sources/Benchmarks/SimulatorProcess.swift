import ArgumentParser
import Foundation

/// A `3dp-agent simulate` child process: the printer on the other end of a benchmark runs in a process of its
/// own, so that the CPU time the benchmark reports is the host's alone.
final class SimulatorProcess {
    let process = Process()
    let devicePath: String
    private let output = Pipe()
    private let errors = Pipe()

    init(arguments: [String]) throws {
        process.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        process.arguments = ["simulate"] + arguments
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        var line: [UInt8] = []
        let handle = output.fileHandleForReading
        while true {
            let byte = handle.readData(ofLength: 1)
            guard let first = byte.first else { break }
            if first == UInt8(ascii: "\n") { break }
            line.append(first)
        }
        devicePath = String(decoding: line, as: UTF8.self)
        guard devicePath.hasPrefix("/") else {
            process.terminate()
            throw ValidationError("the simulator did not start: \(String(decoding: errors.fileHandleForReading.availableData, as: UTF8.self))")
        }
    }

    /// Stops the simulator (SIGINT, as a person would) and returns its statistics.
    func stop() -> String {
        if process.isRunning { process.interrupt() }
        process.waitUntilExit()
        return String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    }
}
