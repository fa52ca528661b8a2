/// What the slicer wrote about a print in the comments of its G-code: who sliced it, how long it takes,
/// how much filament it uses, how many layers it has, and the preview pictures.
public struct SlicerMetadata: Sendable, Equatable {
    /// A preview picture embedded as base64 comment lines.
    public struct Thumbnail: Sendable, Equatable {
        public var width: Int
        public var height: Int
        /// `PNG`, `JPG` or `QOI`.
        public var format: String
        /// The decoded image file.
        public var data: [UInt8]

        public init(width: Int, height: Int, format: String, data: [UInt8]) {
            self.width = width
            self.height = height
            self.format = format
            self.data = data
        }
    }

    /// `PrusaSlicer`, `OrcaSlicer`, `BambuStudio`, `SuperSlicer`, `Slic3r`, `Cura`.
    public var slicer: String?
    public var slicerVersion: String?
    /// The slicer's estimate of the printing time (PrusaSlicer's normal mode).
    public var estimatedSeconds: Int?
    /// Over all extruders.
    public var filamentUsedMillimetres: Double?
    public var filamentUsedGrams: Double?
    public var layerCount: Int?
    public var thumbnails: [Thumbnail]

    public init(slicer: String? = nil, slicerVersion: String? = nil, estimatedSeconds: Int? = nil,
                filamentUsedMillimetres: Double? = nil, filamentUsedGrams: Double? = nil, layerCount: Int? = nil,
                thumbnails: [Thumbnail] = []) {
        self.slicer = slicer
        self.slicerVersion = slicerVersion
        self.estimatedSeconds = estimatedSeconds
        self.filamentUsedMillimetres = filamentUsedMillimetres
        self.filamentUsedGrams = filamentUsedGrams
        self.layerCount = layerCount
        self.thumbnails = thumbnails
    }

    /// The largest picture, the one a user interface usually shows.
    public var largestThumbnail: Thumbnail? {
        thumbnails.max { $0.width * $0.height < $1.width * $1.height }
    }
}
