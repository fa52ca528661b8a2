import Jobs
import ThreeDPProtocol

extension JSONRPCError {
    /// A printer service's refusal as the 3DP-1 error a Manager can act on.
    static func from(_ error: PrinterServiceError) -> JSONRPCError {
        let detail = JSONValue.string(error.description)
        switch error {
        case .notConnected: return JSONRPCError(tableCode: printerNotConnectedCode, data: detail)
        case .halted: return JSONRPCError(tableCode: printerHaltedCode, data: detail)
        case .jobNotFound: return JSONRPCError(tableCode: jobNotFoundCode, data: detail)
        case .invalidOperation: return .invalidOperation(detail)
        case .commandFailed: return JSONRPCError(tableCode: printerCommandRejectedCode, data: detail)
        case .invalidGCode: return .invalidParams(error.description)
        case .contentServerNotTrusted: return JSONRPCError(tableCode: contentServerNotTrustedCode, data: detail)
        }
    }
}
