/// Where the slice of a model job stands, while its state is `slicing`.
public struct JobSlicing: Sendable, Equatable {
    /// 0…1, never going back.
    public var progress: Double
    /// The slicer's own words for what it does now.
    public var stage: String
    /// `PrusaSlicer 2.5.0`.
    public var slicer: String

    public init(progress: Double, stage: String, slicer: String) {
        self.progress = progress
        self.stage = stage
        self.slicer = slicer
    }
}
