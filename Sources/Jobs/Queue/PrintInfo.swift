import GCode

/// What the G-code says about the print, for a Manager to show (what OctoPrint and Moonraker show): read from the
/// slicer's comments when the job became ready.
public struct PrintInfo: Sendable, Equatable {
    public var slicer: String?
    public var slicerVersion: String?
    public var estimatedSeconds: Int?
    public var filamentMillimetres: Double?
    public var filamentGrams: Double?
    public var layerCount: Int?
    /// The largest PNG preview, when the G-code has one.
    public var thumbnail: SlicerMetadata.Thumbnail?

    public init(_ metadata: SlicerMetadata) {
        slicer = metadata.slicer
        slicerVersion = metadata.slicerVersion
        estimatedSeconds = metadata.estimatedSeconds
        filamentMillimetres = metadata.filamentUsedMillimetres
        filamentGrams = metadata.filamentUsedGrams
        layerCount = metadata.layerCount
        thumbnail = metadata.thumbnails.filter { $0.format == "PNG" }.max { $0.width * $0.height < $1.width * $1.height }
    }
}
