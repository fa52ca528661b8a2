import Content
import Foundation
@testable import Jobs
import Testing

@Suite struct SpoolDownloadTests {
    let files = SpoolFiles(jobId: "j1", spool: "/spool")
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    func job(_ name: String, mediaType: String, known: Bool = true, state: PrintJobState = .queued) -> PrintJob {
        PrintJob(id: "j1", serviceId: "mk3", name: name, contentURI: "https://content.example/\(name)",
                 content: ContentDescriptor(server: "https://content.example", contentId: known ? "c1" : "",
                                            mediaType: mediaType),
                 state: state, createdAt: now)
    }

    @Test func aJobsFilesAreNamedFromItsIdAlone() {
        #expect(files.part == "/spool/j1.part")
        #expect(files.gcode == "/spool/j1.gcode")
        #expect(files.gcodePart == "/spool/j1.gcode.part")
        #expect(files.slicingDirectory == "/spool/j1.slicing")
        #expect(files.all.prefix(3) == ["/spool/j1.part", "/spool/j1.gcode", "/spool/j1.gcode.part"])
        #expect(files.all.contains("/spool/j1.stl") && files.all.contains("/spool/j1.3mf"), "every model a job may have")
    }

    @Test func aModelAlreadyInTheSpoolIsSlicedAgainWithoutItsToken() {
        let start = SpoolDownload.start(of: job("bracket.3mf", mediaType: "model/3mf"), files: files) { $0 == "/spool/j1.3mf" }
        guard case .sliceAgain(let model, let format) = start else {
            Issue.record("a model downloaded before a restart needs no token to be sliced again")
            return
        }
        #expect(model == "/spool/j1.3mf" && format.rawValue == "3mf")
    }

    @Test func aModelNotYetInTheSpoolIsFetched() {
        #expect(SpoolDownload.start(of: job("bracket.3mf", mediaType: "model/3mf"), files: files) { _ in false } == .fetch)
    }

    @Test func gcodeIsFetchedAgainEvenWithAFileInTheSpool() {
        #expect(SpoolDownload.start(of: job("benchy.gcode", mediaType: "text/x.gcode"), files: files) { _ in true } == .fetch,
                "G-code is resumed from its part file and checked: only a model is known good before its check")
    }

    @Test func aSelectionNeverReadIsFetched() {
        let unread = job("", mediaType: "", known: false)
        #expect(SpoolDownload.start(of: unread, files: files) { _ in true } == .fetch)
    }

    @Test func theContentClientsWordsAreTheReason() {
        #expect(SpoolDownload.reason(ContentError.tokenRejected(status: 403))
            == "the content server refused the token (HTTP 403); it may have expired — ask the Manager for a new one")
        struct Unplugged: Error {}
        #expect(SpoolDownload.reason(Unplugged()) == "Unplugged()", "anything else as Swift prints it")
    }

    @Test func aPreparationCutOffFailsOnlyAJobStillWaiting() {
        let downloading = job("benchy.gcode", mediaType: "text/x.gcode", state: .downloading)
        #expect(Preparation.endsInFailure(of: downloading, agentStopping: false))
        #expect(!Preparation.endsInFailure(of: downloading, agentStopping: true),
                "the agent stopping: the job goes on from its part file after the restart")
        #expect(!Preparation.endsInFailure(of: job("benchy.gcode", mediaType: "text/x.gcode", state: .cancelled),
                                           agentStopping: false), "stopped by a person: it is already cancelled")
        #expect(!Preparation.endsInFailure(of: nil, agentStopping: false), "removed from the queue meanwhile")
    }
}
