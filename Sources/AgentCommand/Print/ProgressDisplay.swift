import Agent
import Foundation
import GCodeFiles
import Glibc
import GCode
import PrinterLink
import Synchronization

/// The print's progress for a person: a bar redrawn in place on a terminal, plain lines otherwise.
final class ProgressDisplay: Sendable {
    private let terminal: Mutex<Terminal>

    init(file: String, summary: GCodeFileSummary, interactive: Bool) {
        terminal = Mutex(Terminal(file: file, summary: summary, interactive: interactive))
    }

    func handle(_ event: LinkEvent) {
        terminal.withLock { $0.handle(event) }
    }

    func note(_ text: String) {
        terminal.withLock { $0.writeLine(text) }
    }

    func finishLine() {
        terminal.withLock { $0.finishLine() }
    }

    func summarise(_ result: PrintResult) {
        terminal.withLock { $0.summarise(result) }
    }
}

/// What is on the terminal: the bar or the last plain line, and the temperatures to show with it.
private struct Terminal: Sendable {
    private let name: String
    private let summary: GCodeFileSummary
    private let interactive: Bool
    private let started = Date()
    private var lastDraw = Date.distantPast
    private var lastPlainDecile = -1
    private var onBar = false
    private var temperature: TemperatureReport?

    init(file: String, summary: GCodeFileSummary, interactive: Bool) {
        self.name = (file as NSString).lastPathComponent
        self.summary = summary
        self.interactive = interactive
    }

    mutating func handle(_ event: LinkEvent) {
        switch event {
        case .connected(let identity):
            let firmware = identity.info?.firmwareName ?? "unknown firmware"
            let machine = identity.info?.machineType.map { " (\($0))" } ?? ""
            writeLine("connected: \(firmware)\(machine); printing \(name), \(summary.commandCount) commands")
        case .temperature(let report):
            temperature = report
        case .jobProgress(let progress):
            draw(progress)
        case .message(let text):
            writeLine("printer: \(text)")
        case .firmwareError(let error):
            writeLine("printer error: \(error)")
        case .windowFallback(let reason):
            writeLine("falling back to one line in flight: \(reason)")
        case .cancelEscalated(_, let text):
            writeLine("cancel: \(text)")
        case .stateChanged(let state):
            if case .paused = state { writeLine("paused") }
        default:
            break
        }
    }

    mutating func finishLine() {
        if onBar { FileHandle.standardOutput.write(Data("\n".utf8)); onBar = false }
    }

    mutating func summarise(_ result: PrintResult) {
        if let progress = result.progress { draw(progress, force: true) }
        let confirmed = result.progress?.confirmedCommands ?? 0
        let rate = result.seconds > 0 ? Double(confirmed) / result.seconds : 0
        let counters = result.counters
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        writeLine("""
            \(result.outcome): \(confirmed) of \(summary.commandCount) commands confirmed in \
            \(Self.clock(result.seconds)) (\(Int(rate)) lines/s); resend requests \(counters.resendRequests), \
            lines sent again \(counters.linesResent) (after a flush \(counters.flushedLinesResent)), oks assumed after a silence \(counters.assumedAcknowledgements), \
            damaged oks repaired \(counters.repairedAcknowledgements); peak memory \(usage.ru_maxrss / 1024) MB
            """)
    }

    private mutating func draw(_ progress: JobProgress, force: Bool = false) {
        let fraction = min(1, max(0, progress.fraction))
        let elapsed = Date().timeIntervalSince(started)
        if interactive {
            guard force || Date().timeIntervalSince(lastDraw) >= 0.2 else { return }
            lastDraw = Date()
            let width = 24
            let filled = Int(fraction * Double(width))
            let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
            let text = "\r\u{1B}[2K[\(bar)] \(String(format: "%5.1f", fraction * 100))%  "
                + "\(progress.confirmedCommands)/\(progress.totalCommands) lines  \(Self.clock(elapsed)) elapsed  "
                + "\(remaining(fraction: fraction, elapsed: elapsed)) left\(temperatures())"
            FileHandle.standardOutput.write(Data(text.utf8))
            onBar = true
        } else {
            let decile = Int(fraction * 10)
            guard force || decile > lastPlainDecile else { return }
            lastPlainDecile = decile
            writeLine("\(String(format: "%.1f", fraction * 100))% \(progress.confirmedCommands)/\(progress.totalCommands) lines, "
                + "\(Self.clock(elapsed)) elapsed, \(remaining(fraction: fraction, elapsed: elapsed)) left\(temperatures())")
        }
    }

    /// Extrapolated from the file so far; the slicer's estimate until there is enough to go on.
    private func remaining(fraction: Double, elapsed: Double) -> String {
        if fraction >= 0.02 { return Self.clock(elapsed * (1 - fraction) / fraction) }
        if let estimate = summary.metadata.estimatedSeconds { return "~" + Self.clock(Double(estimate)) }
        return "--:--"
    }

    private func temperatures() -> String {
        guard let report = temperature else { return "" }
        var parts: [String] = []
        if let hotend = report.hotends[0] {
            parts.append("T \(String(format: "%.1f", hotend.actual))/\(Int(hotend.target ?? 0))")
        }
        if let bed = report.bed { parts.append("B \(String(format: "%.1f", bed.actual))/\(Int(bed.target ?? 0))") }
        return parts.isEmpty ? "" : "  " + parts.joined(separator: " ")
    }

    mutating func writeLine(_ text: String) {
        var output = onBar ? "\r\u{1B}[2K" : ""
        output += text + "\n"
        onBar = false
        FileHandle.standardOutput.write(Data(output.utf8))
    }

    static func clock(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "--:--" }
        let total = Int(seconds.rounded())
        let hours = total / 3600
        let minutes = (total % 3600) / 60
        let secs = total % 60
        return hours > 0 ? String(format: "%d:%02d:%02d", hours, minutes, secs) : String(format: "%02d:%02d", minutes, secs)
    }
}
