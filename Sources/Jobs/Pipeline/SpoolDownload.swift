import Content
import ContentContract
import Foundation
import Slicing

/// The download stage (DESIGN §1 step 4): the selected content streams into the job's part file, resuming from what
/// an earlier attempt left there, and lands where the selection stage sent it once its size and SHA-256 match.
struct SpoolDownload: Sendable {
    let content: ContentClient
    let server: String
    let token: String
    let selection: ContentSelection
    let files: SpoolFiles
    /// Where the selection stage sent the content (`SpoolDestination`).
    let destination: String

    /// Cancelling the task that runs this cuts the download off and keeps its part file, for the next attempt.
    func run(progress: @escaping @Sendable (DownloadProgress) -> Void) async -> Result<DownloadedContent, any Error> {
        do {
            return .success(try await content.download(selection, server: server, token: token, partPath: files.part,
                                                       finalPath: destination, progress: progress))
        } catch {
            return .failure(error)
        }
    }

    /// Where a waiting job's preparation begins.
    enum Start: Equatable {
        /// A model downloaded (and its sums checked) before the agent stopped is sliced again from the spool: its
        /// token may well have expired since.
        case sliceAgain(model: String, format: ModelFormat)
        /// The selection is read with the job's token, and the download resumes from the part file if there is one.
        case fetch
    }

    static func start(of job: PrintJob, files: SpoolFiles, exists: (String) -> Bool) -> Start {
        guard let descriptor = job.content, descriptor.isKnown,
              case .model(let format) = ContentMediaType(mediaType: descriptor.mediaType, name: job.name),
              let modelFormat = ModelFormat(rawValue: format.rawValue), exists(files.model(modelFormat)) else { return .fetch }
        return .sliceAgain(model: files.model(modelFormat), format: modelFormat)
    }

    /// The job as its selection describes it, before a byte arrives: a Manager shows its name while it downloads, and
    /// a restart knows from the descriptor what the part file is.
    static func record(_ selection: ContentSelection, from server: String, in job: inout PrintJob) {
        job.name = selection.name
        job.contentURI = selection.uri
        job.content = ContentDescriptor(server: server, contentId: selection.contentId, mediaType: selection.mediaType,
                                        size: selection.size, sha256: selection.sha256)
        job.message = "downloading"
    }

    /// Why the job fails, in the content client's words, which never hold the token.
    static func reason(_ error: any Error) -> String {
        (error as? ContentError)?.description ?? "\(error)"
    }
}

/// What the download and slicing stages share.
enum Preparation {
    /// A download or a slice that ended without G-code fails its job, unless the job was stopped (it is cancelled or
    /// gone already) or the agent is stopping: then the job stays `downloading` or `slicing` on disk and goes on
    /// after the restart, from its part file or its model.
    static func endsInFailure(of job: PrintJob?, agentStopping: Bool) -> Bool {
        !agentStopping && job.map { !$0.state.isFinished } == true
    }
}
