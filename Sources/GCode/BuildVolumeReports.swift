/// The build volume from M211's soft-endstop report.
public struct SoftEndstops: Equatable, Sendable {
    /// Nil when the line with the limits does not say: Marlin 2.1 prints `M211 S1 ; ON` on the line before.
    public var enabled: Bool?
    public var min: Millimetres3
    public var max: Millimetres3

    public init(enabled: Bool?, min: Millimetres3, max: Millimetres3) {
        self.enabled = enabled
        self.min = min
        self.max = max
    }
}

/// Marlin 2.1's M115 geometry report: the machine's full travel (`full`, from X_MIN_POS…X_MAX_POS) and the part
/// of it that moves may reach (`work`, after the motion limits), both in logical coordinates.
public struct PrintArea: Equatable, Sendable {
    public var full: Box
    public var work: Box

    public struct Box: Equatable, Sendable {
        public var min: Millimetres3
        public var max: Millimetres3
        public init(min: Millimetres3, max: Millimetres3) {
            self.min = min
            self.max = max
        }
    }

    public init(full: Box, work: Box) {
        self.full = full
        self.work = work
    }

    /// The work area as soft-endstop limits, whose on/off state this line does not give.
    public var workLimits: SoftEndstops { SoftEndstops(enabled: nil, min: work.min, max: work.max) }
}
