import Foundation
import PrinterLink

extension PrinterNotice {
    /// What Managers hear of an event that only reports: a fault, or the firmware's words for people. An event that
    /// moves the queue or the printer's condition is the service's to tell (`PrinterService.handle`), in its order;
    /// this comes after what the service tells of the same event.
    static func reporting(_ event: LinkEvent, serviceId: String, at now: Date) -> PrinterNotice? {
        switch event {
        case .stateChanged(.halted(let reason)):
            return .fault(serviceId: serviceId, .halted, message: reason, at: now)
        case .stateChanged(.disconnected(let reason)):
            return .fault(serviceId: serviceId, .linkLost, message: reason, at: now)
        case .firmwareError(.heaterFault(let fault)):
            let kind: PrinterFaultKind = fault.kind == .thermalRunaway ? .thermalRunaway : .heaterFault
            return .fault(serviceId: serviceId, kind, message: fault.message, at: now)
        case .firmwareError(.halted(let text)):
            return .fault(serviceId: serviceId, .halted, message: text, at: now)
        case .controllerReset:
            return .fault(serviceId: serviceId, .controllerReset, message: "the printer's controller reset", at: now)
        case .cancelEscalated(_, let text):
            return .fault(serviceId: serviceId, .cancelEscalated, message: text, at: now)
        case .message(let text):
            let kind: PrinterMessageKind = text.hasPrefix("prompt") ? .prompt : .notification
            return .message(serviceId: serviceId, kind, text: text, at: now)
        case .action(let action):
            return .message(serviceId: serviceId, .action, text: "\(action)", at: now)
        case .stateChanged, .connected, .temperature, .busy, .console, .firmwareError, .commandCompleted,
             .commandFailed, .jobStarted, .jobProgress, .jobFinished, .windowFallback:
            return nil
        }
    }
}
