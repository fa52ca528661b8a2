import Foundation
import GRDB

/// A job as a row of the `job` table. The content token has its own column that this record never reads or
/// writes, so that saving a job cannot carry the token anywhere else (a view, a log, a callback).
struct JobRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "job"

    static func databaseDateEncodingStrategy(for column: String) -> DatabaseDateEncodingStrategy { StoredDates.encoding }
    static func databaseDateDecodingStrategy(for column: String) -> DatabaseDateDecodingStrategy { StoredDates.decoding }

    var id: String
    var serviceId: String
    /// Insertion order: the queue's FIFO order survives a restart even when two jobs share a timestamp.
    var queuedOrder: Int64
    var name: String
    var contentURI: String
    var spoolPath: String?
    var contentServer: String?
    var contentId: String?
    var mediaType: String?
    var contentSize: Int64?
    var contentSHA256: String?
    var bytesDownloaded: Int64
    var state: String
    var message: String
    var totalLines: Int
    var confirmedLines: Int
    var lastConfirmedFileLine: Int
    var progress: Double
    var createdAt: Date
    var startedAt: Date?
    var finishedAt: Date?

    init(_ job: PrintJob, queuedOrder: Int64) {
        id = job.id
        serviceId = job.serviceId
        self.queuedOrder = queuedOrder
        name = job.name
        contentURI = job.contentURI
        spoolPath = job.spoolPath
        contentServer = job.content?.server
        contentId = job.content?.contentId
        mediaType = job.content?.mediaType
        contentSize = job.content?.size
        contentSHA256 = job.content?.sha256
        bytesDownloaded = job.bytesDownloaded
        state = job.state.rawValue
        message = job.message
        totalLines = job.totalLines
        confirmedLines = job.confirmedLines
        lastConfirmedFileLine = job.lastConfirmedFileLine
        progress = job.progress
        createdAt = job.createdAt
        startedAt = job.startedAt
        finishedAt = job.finishedAt
    }

    func job() throws(JobStoreError) -> PrintJob {
        guard let state = PrintJobState(rawValue: state) else {
            throw .corrupt("job \(id) has the unknown state '\(self.state)'")
        }
        var job = PrintJob(id: id, serviceId: serviceId, name: name, contentURI: contentURI, spoolPath: spoolPath,
                           content: contentServer.map {
                               ContentDescriptor(server: $0, contentId: contentId ?? "", mediaType: mediaType ?? "",
                                                 size: contentSize ?? 0, sha256: contentSHA256 ?? "")
                           },
                           state: state, message: message, totalLines: totalLines, createdAt: createdAt)
        job.bytesDownloaded = bytesDownloaded
        job.confirmedLines = confirmedLines
        job.lastConfirmedFileLine = lastConfirmedFileLine
        job.progress = progress
        job.startedAt = startedAt
        job.finishedAt = finishedAt
        return job
    }
}
