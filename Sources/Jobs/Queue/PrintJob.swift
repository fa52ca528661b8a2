import Foundation

/// One print: what is printed, on which printer, and how far it got (3D-HSF-06.1's queue entry).
public struct PrintJob: Sendable, Equatable, Identifiable {
    public var id: String
    public var serviceId: String
    public var name: String
    /// Where the content came from (the content server's URI, or a `file://` URI for a local file).
    public var contentURI: String
    /// The G-code the printer is fed from, once there is one.
    public var spoolPath: String?
    /// Where the content comes from, for a job started with a content server's token; nil for a local file.
    public var content: ContentDescriptor?
    /// How much of the content is in the spool (its part file) so far.
    public var bytesDownloaded: Int64
    public var state: PrintJobState
    /// A sentence for people: why it failed, what it waits for.
    public var message: String
    public var totalLines: Int
    public var confirmedLines: Int
    /// The file line of the last command the printer confirmed: where a person would restart an interrupted job.
    public var lastConfirmedFileLine: Int
    /// 0…1 by bytes of the file.
    public var progress: Double
    /// While the job is sliced: how far, and what the slicer does.
    public var slicing: JobSlicing?
    /// What its G-code says about the print, once it is ready (not kept in the database: read again when needed).
    public var printInfo: PrintInfo?
    /// Layers and remaining-time marks of its G-code, by file line (not kept in the database either).
    public var timeline: PrintTimeline?
    public var createdAt: Date
    public var startedAt: Date?
    public var finishedAt: Date?

    public init(id: String, serviceId: String, name: String, contentURI: String, spoolPath: String? = nil,
                content: ContentDescriptor? = nil, state: PrintJobState = .queued, message: String = "",
                totalLines: Int = 0, createdAt: Date) {
        self.id = id
        self.serviceId = serviceId
        self.name = name
        self.contentURI = contentURI
        self.spoolPath = spoolPath
        self.content = content
        self.bytesDownloaded = 0
        self.state = state
        self.message = message
        self.totalLines = totalLines
        self.confirmedLines = 0
        self.lastConfirmedFileLine = 0
        self.progress = 0
        self.createdAt = createdAt
    }
}
