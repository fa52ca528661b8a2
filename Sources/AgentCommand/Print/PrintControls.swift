import Agent
import Dispatch
import Foundation

/// Ctrl-C and SIGTERM during a print. On a terminal the first Ctrl-C pauses, Enter resumes and a second
/// Ctrl-C cancels; without a terminal (a service, a pipe) the first signal cancels. Either way the job ends
/// through the cancel script, never by dropping the port with the heaters on.
///
/// `@unchecked` because the checker cannot see the confinement: `paused` and `cancelled` are touched only on
/// `queue` (the signal handlers run there, the Enter reader goes through `queue.sync`), and `sources` only by
/// `install` and `uninstall` on the command's task; the dispatch sources themselves are not `Sendable`.
final class PrintControls: @unchecked Sendable {
    private let session: PrintSession
    private let display: ProgressDisplay
    private let interactive: Bool
    private let queue = DispatchQueue(label: "3dp-agent.print.signals")
    private var sources: [DispatchSourceSignal] = []
    private var paused = false
    private var cancelled = false

    init(session: PrintSession, display: ProgressDisplay, interactive: Bool) {
        self.session = session
        self.display = display
        self.interactive = interactive
    }

    func install() {
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: queue)
            source.setEventHandler { [self] in handle(signalNumber) }
            source.resume()
            sources.append(source)
        }
        if interactive {
            let thread = Thread { [self] in readEnterToResume() }
            thread.start()
        }
    }

    func uninstall() {
        for source in sources { source.cancel() }
        sources.removeAll()
    }

    private func handle(_ signalNumber: Int32) {
        if cancelled { return }
        if interactive, signalNumber == SIGINT, !paused {
            paused = true
            session.pause()
            display.note("pausing — press Enter to resume, Ctrl-C again to cancel (heaters off)")
            return
        }
        cancelled = true
        session.cancel()
        display.note("cancelling — the cancel script switches the heaters off")
    }

    private func readEnterToResume() {
        while let line = Swift.readLine(strippingNewline: true) {
            _ = line
            queue.sync {
                guard paused, !cancelled else { return }
                paused = false
                session.resume()
                display.note("resuming")
            }
        }
    }
}
