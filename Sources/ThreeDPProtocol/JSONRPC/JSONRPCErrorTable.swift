// Every error code a 3DP-1 response can carry, in one table the README is generated from and checked against.

extension JSONRPCError {
    /// The 3DP-1 error codes.
    ///
    /// | code | name | meaning |
    /// |---|---|---|
    /// | -32700 | parseError | Invalid JSON was received by the server. |
    /// | -32600 | invalidRequest | The JSON sent is not a valid 3DP-1 request object. |
    /// | -32601 | methodNotFound | The method does not exist or is not available. |
    /// | -32602 | invalidParams | Invalid method parameter(s). |
    /// | -32603 | internalError | Internal error of the agent. |
    /// | 1 | fatal | A fatal error has occurred. |
    /// | 2 | invalidParameter | Invalid Parameter |
    /// | 4 | invalidOperation | Invalid Operation |
    /// | 5 | noService | No service |
    /// | 6 | operationInProgress | The requested operation cannot currently be completed because another application is currently performing the same operation. |
    /// | 7 | notSupported | This optional function is not supported by this implementation |
    /// | 11 | dataNotPresent | The type of data requested is not present |
    /// | 0xF0000001 | privilegeNotGranted | The security request supplied when the API was opened does not grant privilege to access this functionality. … |
    /// | 0xF0000002 | authenticationFailed | The authentication failed |
    /// | 0xF0000003 | authenticationDenied | The authentication has been denied. … |
    /// | 0xF0000004 | malformedSecurityRequest | The security request was malformed. … |
    /// | 0x2D000101 | printerNotConnected | The printer is not connected to the agent. |
    /// | 0x2D000102 | printerHalted | The printer's firmware has halted (kill, thermal runaway) and needs a reset. |
    /// | 0x2D000103 | printerCommandRejected | The printer rejected the command. |
    /// | 0x2D000104 | printerTimeout | The printer did not answer in time. |
    /// | 0x2D000201 | contentServerNotTrusted | The content server is not one this agent is configured to trust. |
    /// | 0x2D000202 | contentTokenRejected | The content server refused the token. |
    /// | 0x2D000203 | contentNotSelected | Nothing is selected for printing on the content server. |
    /// | 0x2D000204 | contentDownloadFailed | The content could not be downloaded. |
    /// | 0x2D000205 | contentIntegrityFailed | The downloaded content does not match its announced size or SHA-256. |
    /// | 0x2D000206 | contentTypeNotPrintable | The content's media type can be neither printed nor sliced. |
    /// | 0x2D000207 | spoolFull | There is not enough free space in the spool for the content. |
    /// | 0x2D000301 | slicerUnavailable | No slicer is configured or it could not be started. |
    /// | 0x2D000302 | slicingFailed | The slicer could not turn the model into G-code. |
    /// | 0x2D000401 | jobNotFound | No job with this id is in the queue. |
    /// | 0x2D000402 | queueFull | The print queue is full. |
    /// | 0x2D000501 | pairingLocked | Pairing is locked after too many wrong codes; try again later. |
    /// | 0x2D000502 | pairingExpired | The pairing code has expired; begin pairing again. |
    /// | 0x2D000601 | clientTooSlow | The client did not keep up with its callbacks and is being disconnected. |
    ///
    /// Sources and choices:
    /// - The JSON-RPC codes are JSON-RPC 2.0 §5.1. For these the response's message says precisely what was wrong;
    ///   the meaning column is only the code's definition.
    /// - Codes 1–11 and 0xF0000001–0xF0000004 are the general and security codes of seed 002's table 4, their
    ///   meanings verbatim (the message of such an error is that text; details go in `data`). The seed's row for
    ///   "data not present" gives the integer 11 and the hex 0x00000011 (= 17); DESIGN.md §4 and the integer column
    ///   say 11, which is what is sent. Codes 3, 10, 13 and 14 of the table (reserved, connection, QoS) do not
    ///   arise for a printer and are not sent.
    /// - The security codes exceed Int32.max; they are sent as the positive integers 4026531841…4026531844, as the
    ///   table's integer values require. A client must not read `code` into a 32-bit signed integer.
    /// - The 3DP codes are this contract's own, for content, slicing, queue, pairing and printer faults. They live in
    ///   0x2D000000–0x2DFFFFFF: table 4 allocates 0x0000xxxx, 0x0001xxxx, 0x1001xxxx–0x1007xxxx and 0x11000001–3,
    ///   reserves 0x30000000–0x3FFFFFFF ("Reserved for other purpose – do not use") and 0xF000xxxx for security, so
    ///   the tempting 0x3D… is taken, while 0x2D… is free and below 2³¹. The second byte-pair groups them:
    ///   01 printer, 02 content, 03 slicing, 04 queue, 05 pairing, 06 event delivery.
    public static let table: [(code: Int, name: String, meaning: String)] = [
        (parseErrorCode, "parseError", "Invalid JSON was received by the server."),
        (invalidRequestCode, "invalidRequest", "The JSON sent is not a valid 3DP-1 request object."),
        (methodNotFoundCode, "methodNotFound", "The method does not exist or is not available."),
        (invalidParamsCode, "invalidParams", "Invalid method parameter(s)."),
        (internalErrorCode, "internalError", "Internal error of the agent."),

        (fatalCode, "fatal", "A fatal error has occurred."),
        (invalidParameterCode, "invalidParameter", "Invalid Parameter"),
        (invalidOperationCode, "invalidOperation", "Invalid Operation"),
        (noServiceCode, "noService", "No service"),
        (operationInProgressCode, "operationInProgress",
         "The requested operation cannot currently be completed because another application is currently performing the same operation."),
        (notSupportedCode, "notSupported", "This optional function is not supported by this implementation"),
        (dataNotPresentCode, "dataNotPresent", "The type of data requested is not present"),
        (privilegeNotGrantedCode, "privilegeNotGranted",
         "The security request supplied when the API was opened does not grant privilege to access this functionality. You may close and reopen the API with updated credentials to perform this operation."),
        (authenticationFailedCode, "authenticationFailed", "The authentication failed"),
        (authenticationDeniedCode, "authenticationDenied",
         "The authentication has been denied. Please seek proper credentials for your access level."),
        (malformedSecurityRequestCode, "malformedSecurityRequest",
         "The security request was malformed. Please consult vendor materials and/or output log."),

        (printerNotConnectedCode, "printerNotConnected", "The printer is not connected to the agent."),
        (printerHaltedCode, "printerHalted", "The printer's firmware has halted (kill, thermal runaway) and needs a reset."),
        (printerCommandRejectedCode, "printerCommandRejected", "The printer rejected the command."),
        (printerTimeoutCode, "printerTimeout", "The printer did not answer in time."),
        (contentServerNotTrustedCode, "contentServerNotTrusted", "The content server is not one this agent is configured to trust."),
        (contentTokenRejectedCode, "contentTokenRejected", "The content server refused the token."),
        (contentNotSelectedCode, "contentNotSelected", "Nothing is selected for printing on the content server."),
        (contentDownloadFailedCode, "contentDownloadFailed", "The content could not be downloaded."),
        (contentIntegrityFailedCode, "contentIntegrityFailed", "The downloaded content does not match its announced size or SHA-256."),
        (contentTypeNotPrintableCode, "contentTypeNotPrintable", "The content's media type can be neither printed nor sliced."),
        (spoolFullCode, "spoolFull", "There is not enough free space in the spool for the content."),
        (slicerUnavailableCode, "slicerUnavailable", "No slicer is configured or it could not be started."),
        (slicingFailedCode, "slicingFailed", "The slicer could not turn the model into G-code."),
        (jobNotFoundCode, "jobNotFound", "No job with this id is in the queue."),
        (queueFullCode, "queueFull", "The print queue is full."),
        (pairingLockedCode, "pairingLocked", "Pairing is locked after too many wrong codes; try again later."),
        (pairingExpiredCode, "pairingExpired", "The pairing code has expired; begin pairing again."),
        (clientTooSlowCode, "clientTooSlow", "The client did not keep up with its callbacks and is being disconnected."),
    ]
}
