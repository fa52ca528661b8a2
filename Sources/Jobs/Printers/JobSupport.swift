import Content

/// What a printer's service needs beyond its link to run jobs from content servers: the queue's database, the
/// content client and the spool. Without them (a printer served for a test, `3dp-agent print`) jobs live in memory
/// and only local G-code files can be queued.
public struct JobSupport: Sendable {
    public var store: JobStore?
    public var content: ContentClient?
    /// Where downloads go: `<spool>/<job>.part`, then `<spool>/<job>.gcode`.
    public var spoolDirectory: String?
    /// Without it a 3D model fails with "no slicer available".
    public var slicing: SlicingSupport?

    public init(store: JobStore? = nil, content: ContentClient? = nil, spoolDirectory: String? = nil,
                slicing: SlicingSupport? = nil) {
        self.store = store
        self.content = content
        self.spoolDirectory = spoolDirectory
        self.slicing = slicing
    }

    public static let inMemory = JobSupport()
}
