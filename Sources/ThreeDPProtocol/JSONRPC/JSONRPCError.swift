// The error member of a 3DP-1 response: `{code, message, data?}` (JSON-RPC 2.0 §5.1).

/// An error a 3DP-1 request can end in.
///
/// Every code this endpoint sends is in `JSONRPCError.table` (see JSONRPCErrorTable.swift). For the JSON-RPC codes
/// the message says precisely what was wrong; for the DWAPI and 3DP codes the message is the table's description
/// (seed 002 §5.2.1.2: "For 'message' the text in the description column … SHALL be used") and the particulars go in
/// `data`.
public struct JSONRPCError: Error, Sendable, Equatable {
    public var code: Int
    public var message: String
    public var data: JSONValue?

    public init(code: Int, message: String, data: JSONValue? = nil) {
        self.code = code
        self.message = message
        self.data = data
    }

    /// An error with a code from the table and the table's description as its message.
    /// A code the table does not know keeps `data` and gets a message saying so, rather than trapping.
    public init(tableCode code: Int, data: JSONValue? = nil) {
        let meaning = Self.table.first { $0.code == code }?.meaning ?? "Error \(code)"
        self.init(code: code, message: meaning, data: data)
    }

    /// The table's name for `code` ("invalidParams", "dataNotPresent", …), nil for a code outside the table.
    public static func name(of code: Int) -> String? {
        table.first { $0.code == code }?.name
    }
}

// MARK: - JSON-RPC 2.0

extension JSONRPCError {
    public static let parseErrorCode = -32700
    public static let invalidRequestCode = -32600
    public static let methodNotFoundCode = -32601
    public static let invalidParamsCode = -32602
    public static let internalErrorCode = -32603

    /// The message is not JSON (the response's id is null).
    public static func parseError(_ message: String) -> JSONRPCError {
        JSONRPCError(code: parseErrorCode, message: message)
    }

    /// JSON, but not a 3DP-1 request (wrong or missing version members, id, method or params; too large; too deep).
    public static func invalidRequest(_ message: String) -> JSONRPCError {
        JSONRPCError(code: invalidRequestCode, message: message)
    }

    public static func methodNotFound(_ method: String) -> JSONRPCError {
        JSONRPCError(code: methodNotFoundCode, message: "method \"\(method)\" not found")
    }

    public static func invalidParams(_ message: String) -> JSONRPCError {
        JSONRPCError(code: invalidParamsCode, message: message)
    }

    /// A fault in the agent itself (a result it could not encode, an invariant broken). Never a printer fault.
    public static func internalError(_ message: String) -> JSONRPCError {
        JSONRPCError(code: internalErrorCode, message: message)
    }
}

// MARK: - DWAPI general codes (seed 002, table 4)

extension JSONRPCError {
    public static let fatalCode = 1
    public static let invalidParameterCode = 2
    public static let invalidOperationCode = 4
    public static let noServiceCode = 5
    public static let operationInProgressCode = 6
    public static let notSupportedCode = 7
    public static let dataNotPresentCode = 11
    public static let privilegeNotGrantedCode = 0xF000_0001
    public static let authenticationFailedCode = 0xF000_0002
    public static let authenticationDeniedCode = 0xF000_0003
    public static let malformedSecurityRequestCode = 0xF000_0004

    public static func fatal(_ data: JSONValue? = nil) -> JSONRPCError { .init(tableCode: fatalCode, data: data) }
    public static func invalidParameter(_ data: JSONValue? = nil) -> JSONRPCError { .init(tableCode: invalidParameterCode, data: data) }
    public static func invalidOperation(_ data: JSONValue? = nil) -> JSONRPCError { .init(tableCode: invalidOperationCode, data: data) }
    public static func noService(_ data: JSONValue? = nil) -> JSONRPCError { .init(tableCode: noServiceCode, data: data) }
    public static func operationInProgress(_ data: JSONValue? = nil) -> JSONRPCError { .init(tableCode: operationInProgressCode, data: data) }
    public static func notSupported(_ data: JSONValue? = nil) -> JSONRPCError { .init(tableCode: notSupportedCode, data: data) }
    public static func dataNotPresent(_ data: JSONValue? = nil) -> JSONRPCError { .init(tableCode: dataNotPresentCode, data: data) }
    public static func privilegeNotGranted(_ data: JSONValue? = nil) -> JSONRPCError { .init(tableCode: privilegeNotGrantedCode, data: data) }
    public static func authenticationFailed(_ data: JSONValue? = nil) -> JSONRPCError { .init(tableCode: authenticationFailedCode, data: data) }
    public static func authenticationDenied(_ data: JSONValue? = nil) -> JSONRPCError { .init(tableCode: authenticationDeniedCode, data: data) }
    public static func malformedSecurityRequest(_ data: JSONValue? = nil) -> JSONRPCError { .init(tableCode: malformedSecurityRequestCode, data: data) }
}

// MARK: - 3DP codes (this contract's range, 0x2D000000–0x2DFFFFFF)

extension JSONRPCError {
    public static let printerNotConnectedCode = 0x2D00_0101
    public static let printerHaltedCode = 0x2D00_0102
    public static let printerCommandRejectedCode = 0x2D00_0103
    public static let printerTimeoutCode = 0x2D00_0104
    public static let contentServerNotTrustedCode = 0x2D00_0201
    public static let contentTokenRejectedCode = 0x2D00_0202
    public static let contentNotSelectedCode = 0x2D00_0203
    public static let contentDownloadFailedCode = 0x2D00_0204
    public static let contentIntegrityFailedCode = 0x2D00_0205
    public static let contentTypeNotPrintableCode = 0x2D00_0206
    public static let spoolFullCode = 0x2D00_0207
    public static let slicerUnavailableCode = 0x2D00_0301
    public static let slicingFailedCode = 0x2D00_0302
    public static let jobNotFoundCode = 0x2D00_0401
    public static let queueFullCode = 0x2D00_0402
    public static let pairingLockedCode = 0x2D00_0501
    public static let pairingExpiredCode = 0x2D00_0502
    public static let clientTooSlowCode = 0x2D00_0601

    public static func printerNotConnected(_ data: JSONValue? = nil) -> JSONRPCError { .init(tableCode: printerNotConnectedCode, data: data) }
    public static func printerHalted(_ data: JSONValue? = nil) -> JSONRPCError { .init(tableCode: printerHaltedCode, data: data) }
    public static func printerCommandRejected(_ data: JSONValue? = nil) -> JSONRPCError { .init(tableCode: printerCommandRejectedCode, data: data) }
    public static func printerTimeout(_ data: JSONValue? = nil) -> JSONRPCError { .init(tableCode: printerTimeoutCode, data: data) }
    public static func contentServerNotTrusted(_ data: JSONValue? = nil) -> JSONRPCError { .init(tableCode: contentServerNotTrustedCode, data: data) }
    public static func contentTokenRejected(_ data: JSONValue? = nil) -> JSONRPCError { .init(tableCode: contentTokenRejectedCode, data: data) }
    public static func contentNotSelected(_ data: JSONValue? = nil) -> JSONRPCError { .init(tableCode: contentNotSelectedCode, data: data) }
    public static func contentDownloadFailed(_ data: JSONValue? = nil) -> JSONRPCError { .init(tableCode: contentDownloadFailedCode, data: data) }
    public static func contentIntegrityFailed(_ data: JSONValue? = nil) -> JSONRPCError { .init(tableCode: contentIntegrityFailedCode, data: data) }
    public static func contentTypeNotPrintable(_ data: JSONValue? = nil) -> JSONRPCError { .init(tableCode: contentTypeNotPrintableCode, data: data) }
    public static func spoolFull(_ data: JSONValue? = nil) -> JSONRPCError { .init(tableCode: spoolFullCode, data: data) }
    public static func slicerUnavailable(_ data: JSONValue? = nil) -> JSONRPCError { .init(tableCode: slicerUnavailableCode, data: data) }
    public static func slicingFailed(_ data: JSONValue? = nil) -> JSONRPCError { .init(tableCode: slicingFailedCode, data: data) }
    public static func jobNotFound(_ data: JSONValue? = nil) -> JSONRPCError { .init(tableCode: jobNotFoundCode, data: data) }
    public static func queueFull(_ data: JSONValue? = nil) -> JSONRPCError { .init(tableCode: queueFullCode, data: data) }
    public static func pairingLocked(_ data: JSONValue? = nil) -> JSONRPCError { .init(tableCode: pairingLockedCode, data: data) }
    public static func pairingExpired(_ data: JSONValue? = nil) -> JSONRPCError { .init(tableCode: pairingExpiredCode, data: data) }
    public static func clientTooSlow(_ data: JSONValue? = nil) -> JSONRPCError { .init(tableCode: clientTooSlowCode, data: data) }
}
