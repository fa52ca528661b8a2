import GCode

/// How the host drives one printer. The defaults are Marlin's (BUFSIZE 4, a 128-byte serial receive
/// buffer, 96-byte commands) so that an unknown printer is never overrun.
public struct LinkSettings: Sendable, Equatable {
    /// Most lines the host keeps unacknowledged: Marlin's command buffer (BUFSIZE) holds 4.
    /// ADVANCED_OK's `B` count raises this to what the firmware reports, never above `maxLinesInFlightCeiling`.
    public var maxLinesInFlight: Int = 4
    /// Upper bound for the window learned from ADVANCED_OK.
    public var maxLinesInFlightCeiling: Int = 32
    /// Most unacknowledged bytes: while the firmware's main loop is blocked on a move, lines wait in its serial
    /// receive buffer (RX_BUFFER_SIZE, 128 on AVR Marlin), and bytes beyond it are lost.
    public var receiveBufferBytes: Int = 127
    /// Bytes per second the link carries (baud / 10 for 8N1): paces the wait for a resend request's duplicates.
    public var lineBytesPerSecond: Double = 11_520
    /// Longest line, newline included, the firmware accepts (Marlin MAX_CMD_SIZE 96).
    public var maxLineLength: Int = 96
    /// Lines kept for resends.
    public var resendHistory: Int = 1024
    /// The same line requested again this many times in a row stops the job (a resend storm).
    public var resendStormLimit: Int = 12
    /// More resend requests than this within `misbehaviourWindowLines` transmissions, or this many `ok`s
    /// with nothing in flight, drops the window to one line in flight.
    public var misbehaviourResends: Int = 10
    public var misbehaviourWindowLines: Int = 50
    public var unexpectedOkLimit: Int = 3
    /// The firmware answers a resend request without a following `ok` (Marlin and Prusa send one).
    public var resendWithoutOk: Bool = false

    /// Silence with lines in flight (and no long command among them) after which the oldest line's `ok`
    /// is taken as lost and a numbered poll makes the firmware reveal a lost line by a resend request.
    public var ackTimeout: Duration = .seconds(3)
    /// The acknowledgement timeout once an unreadable line arrived after the oldest line in flight was sent: a line
    /// noise damaged beyond repair was most likely its `ok`. Guessing wrong costs a resend at most.
    public var unreadableReplyTimeout: Duration = .milliseconds(100)
    /// Silence allowed while a long command (G28, G29, M109, M190, M400, M600…) is in flight.
    public var longCommandTimeout: Duration = .seconds(1800)
    /// A cancel none of whose lines is confirmed for this long escalates, a step each time: the line numbers set
    /// again with only the heaters switched off, then M108 (with the emergency parser), then M112. A long
    /// command the firmware reports `busy: processing` for (homing, probing) counts as progress; a wait for heat
    /// or for the user does not.
    public var cancelTimeout: Duration = .seconds(5)
    /// Renumberings after the firmware's line numbers left the host's, without the job moving on in between,
    /// before the job fails.
    public var desyncRecoveryLimit: Int = 3
    /// Time for each attempt to say hello (`M110 N0`) while connecting, and for the whole handshake.
    public var helloInterval: Duration = .milliseconds(1500)
    public var connectTimeout: Duration = .seconds(20)
    /// Time between temperature reports: `M155 S<n>` when the firmware autoreports, M105 polling otherwise.
    public var temperatureInterval: Duration = .seconds(2)
    /// Time between `jobProgress` events while a job runs.
    public var progressInterval: Duration = .milliseconds(250)
    /// Use ADVANCED_OK counters when the firmware sends them.
    public var useAdvancedOk: Bool = true
    /// Override the firmware's EMERGENCY_PARSER report (nil: trust M115).
    public var emergencyParser: Bool? = nil

    /// G-code run when a job pauses, resumes, is cancelled and completes. The cancel and completion scripts
    /// switch every heater off: every way out of a job leaves the printer safe.
    public var pauseScript: [String] = []
    public var resumeScript: [String] = []
    public var cancelScript: [String] = ["M104 S0", "M140 S0", "M106 S0", "M84"]
    public var completionScript: [String] = ["M104 S0", "M140 S0"]

    public init() {}

    /// Ping-pong: one line in flight, the slowest and most compatible mode.
    public static var pingPong: LinkSettings {
        var settings = LinkSettings()
        settings.maxLinesInFlight = 1
        settings.maxLinesInFlightCeiling = 1
        return settings
    }
}
