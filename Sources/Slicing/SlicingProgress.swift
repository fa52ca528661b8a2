/// How far a slice has got: 0…1, never going back, and the slicer's own words for what it does.
public struct SlicingProgress: Sendable, Equatable {
    public var fraction: Double
    public var stage: String

    public init(fraction: Double, stage: String) {
        self.fraction = fraction
        self.stage = stage
    }
}

/// Turns a slicer's output lines into progress. One per slice: it remembers the furthest point reached, so
/// that a slicer whose own numbers go back (PrusaSlicer's `70 => Infilling` before `30 => Preparing infill`)
/// still reads as moving forward.
public protocol SlicerProgressParser: Sendable {
    /// A line of the slicer's standard output or error (without its line end); a new progress when the line
    /// says one, nil otherwise.
    mutating func progress(fromLine line: Substring, onStandardError: Bool) -> SlicingProgress?
}

/// The monotonic part every parser shares.
struct ForwardOnly: Sendable {
    private(set) var furthest = 0.0

    mutating func advance(to fraction: Double, stage: String) -> SlicingProgress {
        let clamped = fraction.isFinite ? min(max(fraction, 0), 1) : 0
        furthest = max(furthest, clamped)
        return SlicingProgress(fraction: furthest, stage: stage)
    }
}
