import Jobs
import ThreeDPProtocol

/// A queue entry as 3DP-1 shows it (3D-HSF-06.1): order, job id, content URI, name, state, status message,
/// progress, and the last line the printer confirmed.
public enum JobView {
    /// - Parameter order: the job's 1-based place in its printer's queue, 0 once finished.
    public static func json(_ job: PrintJob, order: Int) -> JSONValue {
        .object([
            "jobId": .string(job.id),
            "serviceId": .string(job.serviceId),
            "order": .integer(Int64(order)),
            "name": .string(job.name),
            "contentUri": .string(job.contentURI),
            "state": .string(job.state.rawValue),
            "message": .string(job.message),
            "progress": .number((job.progress * 1000).rounded() / 1000),
            "confirmedLines": .integer(Int64(job.confirmedLines)),
            "totalLines": .integer(Int64(job.totalLines)),
            "lastConfirmedFileLine": .integer(Int64(job.lastConfirmedFileLine)),
            "contentServer": job.content.map { .string($0.server) } ?? .null,
            "bytesDownloaded": .integer(job.bytesDownloaded),
            "contentSize": .integer(job.content?.size ?? 0),
            "createdAt": .string(Timestamps.string(job.createdAt)),
            "startedAt": job.startedAt.map { .string(Timestamps.string($0)) } ?? .null,
            "finishedAt": job.finishedAt.map { .string(Timestamps.string($0)) } ?? .null,
            "stage": JobDetailsView.stage(job),
            "slicing": JobDetailsView.slicing(job),
            "print": JobDetailsView.printInfo(job),
            "printing": JobDetailsView.printing(job),
        ])
    }

    /// Jobs still to finish get their place in line; finished ones 0.
    public static func queue(_ jobs: [PrintJob]) -> JSONValue {
        var order = 0
        return .array(jobs.map { job in
            if job.state.isFinished { return json(job, order: 0) }
            order += 1
            return json(job, order: order)
        })
    }
}
