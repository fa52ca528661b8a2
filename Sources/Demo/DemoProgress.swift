import Endpoint
import Foundation
import Synchronization
import ThreeDPProtocol

/// What the demo shows of the callbacks: each job state once, and one progress line that redraws in place on a
/// terminal (or a line per tenth when the output is a file).
final class DemoProgress: Sendable {
    private let screen: Mutex<Screen>

    init(interactive: Bool) {
        screen = Mutex(Screen(interactive: interactive))
    }

    var printSeconds: Double { screen.withLock { $0.printSeconds } }

    /// The job whose callbacks are shown from now on; those of other jobs are not.
    func follow(jobId: String) {
        screen.withLock { $0.jobId = jobId }
    }

    /// Shows one callback; returns the followed job once it has finished.
    func show(_ topic: String, _ result: JSONValue) -> JSONValue? {
        screen.withLock { $0.show(topic, result) }
    }

    func end() {
        screen.withLock { $0.clearProgress() }
    }
}

/// What is on the terminal: the last state and tenth shown, the nozzle temperature, the print's clock.
private struct Screen: Sendable {
    private let interactive: Bool
    private var lastState = ""
    private var lastTenth = -1
    private var nozzle = ""
    private var printingSince: ContinuousClock.Instant?
    private var printEnded: ContinuousClock.Instant?
    private var progressShown = false
    var jobId: String?

    init(interactive: Bool) {
        self.interactive = interactive
    }

    var printSeconds: Double {
        guard let start = printingSince else { return 0 }
        let elapsed = (printEnded ?? .now) - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    mutating func show(_ topic: String, _ result: JSONValue) -> JSONValue? {
        switch topic {
        case "printer.temperature":
            if let actual = result["nozzles"]?.arrayValue?.first?["actual"]?.doubleValue {
                nozzle = String(format: "nozzle %.0f °C", actual)
            }
            return nil
        case "job.progress":
            guard result["jobId"]?.stringValue == jobId else { return nil }
            drawProgress(result)
            return nil
        case "job.state":
            guard let job = result["job"], job["jobId"]?.stringValue == jobId,
                  let state = job["state"]?.stringValue, state != lastState else { return nil }
            lastState = state
            if state == "printing" { printingSince = printingSince ?? .now }
            var line = "job        \(state)"
            switch state {
            case "downloading": line += job["name"]?.stringValue.map { $0.isEmpty ? "" : ": \($0)" } ?? ""
            case "ready":
                line += ": \(job["bytesDownloaded"]?.intValue ?? 0) bytes in the spool, SHA-256 checked, \(job["totalLines"]?.intValue ?? 0) lines checked"
                if let info = job["print"], let slicer = info["slicer"]?.stringValue {
                    let estimate = info["estimatedSeconds"]?.intValue.map { ", estimated \($0 / 60) min \($0 % 60) s" } ?? ""
                    let layers = info["layerCount"]?.intValue.map { ", \($0) layers" } ?? ""
                    line += "\n           sliced by \(slicer) \(info["slicerVersion"]?.stringValue ?? "")\(estimate)\(layers)"
                }
            default: if let message = job["message"]?.stringValue, !message.isEmpty { line += ": \(message)" }
            }
            clearProgress()
            FileHandle.standardOutput.write(Data((line + "\n").utf8))
            if job["state"].flatMap(\.stringValue).map({ ["completed", "failed", "cancelled", "interrupted"].contains($0) }) == true {
                printEnded = .now
                return job
            }
            return nil
        default:
            return nil
        }
    }

    private mutating func drawProgress(_ result: JSONValue) {
        let total = result["totalLines"]?.intValue ?? 0
        let confirmed = result["confirmedLines"]?.intValue ?? 0
        let text: String
        let tenth: Int
        if lastState == "slicing", let slicing = result["slicing"], let fraction = slicing["progress"]?.doubleValue {
            tenth = Int(fraction * 10)
            text = String(format: "progress   slicing %5.1f %%  %@  (%@)", fraction * 100, slicing["stage"]?.stringValue ?? "",
                          slicing["slicer"]?.stringValue ?? "")
        } else if total > 0, lastState == "printing" {
            let fraction = result["progress"]?.doubleValue ?? 0
            tenth = Int(fraction * 10)
            var extra = ""
            if let layer = result["printing"]?["currentLayer"]?.intValue {
                extra += "  layer \(layer)" + (result["printing"]?["layerCount"]?.intValue.map { "/\($0)" } ?? "")
            }
            if let remaining = result["printing"]?["remainingSeconds"]?.intValue { extra += "  \(remaining / 60) min left" }
            text = String(format: "progress   printing %5.1f %%  %d/%d lines  %@", fraction * 100, confirmed, total, nozzle) + extra
        } else {
            let size = result["contentSize"]?.intValue ?? 0
            let bytes = result["bytesDownloaded"]?.intValue ?? 0
            tenth = size > 0 ? bytes * 10 / size : 0
            text = "progress   downloading \(bytes)/\(size) bytes"
        }
        if interactive {
            FileHandle.standardOutput.write(Data(("\r\u{1B}[K" + text).utf8))
            progressShown = true
        } else if tenth != lastTenth {
            lastTenth = tenth
            FileHandle.standardOutput.write(Data((text + "\n").utf8))
        }
    }

    mutating func clearProgress() {
        guard progressShown else { return }
        FileHandle.standardOutput.write(Data("\r\u{1B}[K".utf8))
        progressShown = false
    }
}
