import Content

/// What a printer's service needs beyond its link to run jobs from content servers: the queue's database, the
/// content client and the spool. There is always a database (in memory for a printer served for a test or by
/// `3dp-agent print`); without a content client and a spool only local G-code files can be queued.
public struct JobSupport: Sendable {
    public var store: JobStore
    public var content: ContentClient?
    /// Where downloads go: `<spool>/<job>.part`, then `<spool>/<job>.gcode`.
    public var spoolDirectory: String?
    /// Without it a 3D model fails with "no slicer available".
    public var slicing: SlicingSupport?

    public init(store: JobStore, content: ContentClient? = nil, spoolDirectory: String? = nil,
                slicing: SlicingSupport? = nil) {
        self.store = store
        self.content = content
        self.spoolDirectory = spoolDirectory
        self.slicing = slicing
    }

    /// A database in memory of its own, new at each use, so that two printers served apart (two tests) never
    /// see each other's jobs.
    public static var inMemory: JobSupport {
        do {
            return JobSupport(store: try JobStore.inMemory())
        } catch {
            // Only memory running out can fail this: the schema is the agent's own and is tested.
            fatalError("cannot make a print queue in memory: \(error)")
        }
    }
}
