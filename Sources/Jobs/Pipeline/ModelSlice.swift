import Foundation
import GCode
import Logging
import Slicing

/// The slicing stage (DESIGN §1 step 5): a model job's G-code made by the board's slicer, one slice at a time for
/// every printer (`SliceGate`: a Pi cannot run two), inside the job's own directory in the spool. The G-code goes to
/// the job's `gcodePart` for the check stage; the model stays in the spool until the job is ready, so that a slice
/// cut off by a restart runs again from it.
struct ModelSlice: Sendable {
    let model: String
    let format: ModelFormat
    let files: SpoolFiles

    /// How often a Manager hears of a slice at least, even while the slicer says nothing new.
    static let reportInterval: Duration = .milliseconds(400)
    /// How long a slice waits for its printer to come up before it fails for want of a build volume.
    static let volumeWait: Duration = .seconds(60)
    /// The stage a slice shows while another printer's slice holds the board's slicer.
    static let waitingStage = "waiting"

    /// Why the stage refuses a job before the slicer runs.
    struct Refusal: Error, Equatable {
        let reason: String
    }

    /// A model that does not fit the printer is refused before the slicer runs, so the printer's volume comes first:
    /// from the firmware's M211 when it reported one, else from the configuration's `build_volume`.
    static func printableVolume(reported: SoftEndstops?, configured: Millimetres3?) throws(Refusal) -> PrintableVolume {
        if let endstops = reported {
            return PrintableVolume(x: endstops.max.x - endstops.min.x, y: endstops.max.y - endstops.min.y,
                                   z: endstops.max.z - endstops.min.z)
        }
        if let volume = configured { return PrintableVolume(x: volume.x, y: volume.y, z: volume.z) }
        throw Refusal(reason: "the printer's build volume is unknown (its firmware reports no M211 and the configuration sets no build_volume), so the model cannot be checked or sliced")
    }

    /// The printer's own slicer profile (`slicer_profile`), laid over the generic one; nil when none is configured.
    static func printerProfile(at path: String?) throws(Refusal) -> String? {
        guard let path else { return nil }
        do {
            return try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw Refusal(reason: "the printer's slicer_profile \(path) cannot be read: \(error.localizedDescription)")
        }
    }

    func job(volume: PrintableVolume, printerProfile: String?, slicing: SlicingSupport) -> SliceJob {
        SliceJob(modelPath: model, format: format, volume: volume, workingDirectory: files.slicingDirectory,
                 gcodePartPath: files.gcodePart, printerProfile: printerProfile, limits: slicing.limits,
                 modelLimits: slicing.modelLimits)
    }

    /// Waits its turn at the board's gate (a job stopped meanwhile leaves the line), runs the hand-off, and gives the
    /// gate to the next slice whatever happened.
    static func run(_ job: SliceJob, with slicer: InstalledSlicer, gate: SliceGate, logger: Logger,
                    progress: @escaping @Sendable (SlicingProgress) -> Void) async -> Result<SliceResult, SlicingFailure> {
        do {
            try await gate.acquire()
        } catch {
            return .failure(.output("the slice was stopped"))
        }
        let result: Result<SliceResult, SlicingFailure>
        do throws(SlicingFailure) {
            result = .success(try await SliceHandOff.run(job, with: slicer, logger: logger, progress: progress))
        } catch {
            result = .failure(error)
        }
        await gate.release()
        return result
    }

    /// The job is the slicer's, though another printer's slice may still hold the board's gate.
    static func waitForTheSlicer(_ job: inout PrintJob, slicer label: String) {
        job.state = .slicing
        job.message = "waiting for the slicer"
        job.slicing = JobSlicing(progress: 0, stage: waitingStage, slicer: label)
    }

    /// True when the slicer has just started on the job: its new state goes out too, not only the progress.
    static func record(_ reached: JobSlicing, in job: inout PrintJob) -> Bool {
        let wasWaiting = job.slicing?.stage == waitingStage
        job.slicing = reached
        job.message = "slicing with \(reached.slicer)"
        return wasWaiting
    }
}
