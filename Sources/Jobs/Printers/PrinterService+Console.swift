import Foundation
import GCode
import PrinterLink

/// Console lines and the emergency stop, which go to the printer beside the job.
extension PrinterService {
    /// Sends console lines one after the other and returns what the firmware answered to each.
    /// - Parameter announcingDisplay: whether M117 text goes out as a `display` message too; not for a pairing
    ///   code, which only the person at the printer is to read.
    public func send(lines: [String], announcingDisplay: Bool = true) async throws(PrinterServiceError) -> [(line: String, replies: [String])] {
        var answers: [(line: String, replies: [String])] = []
        for line in lines {
            let link = try usableLink()
            if announcingDisplay, let text = PrinterDisplayText.of(line) {
                notices.yield(.message(serviceId: serviceId, .display, text: text, at: Date()))
            }
            do {
                answers.append((line, try await link.send(line)))
            } catch {
                throw .commandFailed("\(line): \(error)")
            }
        }
        return answers
    }

    /// M112 (out of band when the firmware has an emergency parser). The printer halts and needs a reset.
    public func emergencyStop() throws(PrinterServiceError) -> PrinterState {
        guard let link = connection else { throw .notConnected(Self.reason(state)) }
        logger.warning("emergency stop requested")
        link.emergencyStop()
        return state
    }

    func usableLink() throws(PrinterServiceError) -> PrinterConnection {
        switch state {
        case .halted(let reason): throw .halted(reason)
        case .disconnected(let reason): throw .notConnected(reason)
        case .connecting: throw .notConnected("still connecting")
        default: break
        }
        guard let link = connection else { throw .notConnected(Self.reason(state)) }
        return link
    }

    static func reason(_ state: PrinterState) -> String {
        if case .disconnected(let reason) = state { return reason }
        return state.description
    }
}
