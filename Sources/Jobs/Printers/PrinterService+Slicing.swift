import Foundation
import GCode
import Slicing

/// A model job's slice (DESIGN §1 step 5): one at a time on the board, at a lower priority, inside the job's own
/// directory in the spool. The G-code goes to `<job>.gcode.part`, is checked line by line, fsynced and renamed;
/// the model stays in the spool until then, so that a slice cut off by a restart runs again.
extension PrinterService {
    /// How often a Manager hears of a slice at least, even while the slicer says nothing new.
    static let slicingReportInterval: Duration = .milliseconds(400)

    func slice(_ jobId: String, model modelPath: String, format: ModelFormat, spool: String) async {
        guard let slicing = support.slicing else {
            return fail(jobId, "no slicer available: this agent has no slicer configured")
        }
        if printableVolume == nil, !isOnline {
            _ = update(jobId) { $0.message = "waiting for the printer to connect and report its build volume" }
            await waitUntilReady(atMost: Self.volumeWait)
        }
        guard let volume = printableVolume else {
            return fail(jobId, "the printer's build volume is unknown (its firmware reports no M211 and the configuration sets no build_volume), so the model cannot be checked or sliced")
        }
        let slicer: InstalledSlicer
        do {
            slicer = try await SlicerDiscovery.find(slicing.choice, path: slicing.path)
        } catch {
            return fail(jobId, error.description)
        }
        var printerProfile: String?
        if let path = settings.slicerProfile {
            do {
                printerProfile = try String(contentsOfFile: path, encoding: .utf8)
            } catch {
                return fail(jobId, "the printer's slicer_profile \(path) cannot be read: \(error.localizedDescription)")
            }
        }
        let label = "\(slicer.kind) \(slicer.version)"
        guard update(jobId, { job in
            job.state = .slicing
            job.message = "waiting for the slicer"
            job.slicing = JobSlicing(progress: 0, stage: "waiting", slicer: label)
        }) != nil else { return }

        let job = SliceJob(modelPath: modelPath, format: format, volume: volume,
                           workingDirectory: Self.slicingDirectory(jobId, spool: spool),
                           gcodePartPath: Self.gcodePartPath(jobId, spool: spool), printerProfile: printerProfile,
                           limits: slicing.limits, modelLimits: slicing.modelLimits)
        let (reports, reportSink) = AsyncStream.makeStream(of: SlicingProgress.self, bufferingPolicy: .bufferingNewest(1))
        let logger = self.logger
        let work = Task { () -> Result<SliceResult, SlicingFailure> in
            do {
                try await slicing.gate.acquire()
            } catch {
                return .failure(.output("the slice was stopped"))
            }
            let result: Result<SliceResult, SlicingFailure>
            do throws(SlicingFailure) {
                result = .success(try await SliceHandOff.run(job, with: slicer, logger: logger) { reportSink.yield($0) })
            } catch {
                result = .failure(error)
            }
            await slicing.gate.release()
            return result
        }
        preparation = (jobId, { work.cancel() })
        let result: Result<SliceResult, SlicingFailure> = await withTaskCancellationHandler {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await self.relaySlicingProgress(jobId, reports, label: label) }
                let result = await work.value
                reportSink.finish()
                await group.waitForAll()
                return result
            }
        } onCancel: {
            work.cancel()
        }
        preparation = nil
        slicingProgress[jobId] = nil
        switch result {
        case .failure(let failure):
            // Stopped by a person (the job is already cancelled) or by the agent stopping (the job stays
            // `slicing` on disk and slices again after the restart): not a failure.
            if Task.isCancelled || queue.job(jobId)?.state.isFinished != false { return }
            logger.warning("slice of job \(jobId) failed: \(failure)")
            fail(jobId, failure.description)
        case .success(let sliced):
            logger.info("job \(jobId) sliced", metadata: [
                "slicer": "\(label)", "seconds": "\(sliced.wallTime)", "slicerPeakRSS": "\(sliced.peakResidentBytes >> 20) MB",
                "progressReports": "\(sliced.progressReports)",
            ])
            await finishSlice(jobId, spool: spool, modelPath: modelPath)
        }
    }

    /// The G-code part (fsynced by the hand-off) is checked line by line, then renamed into place; the model is
    /// no longer needed once the job is ready.
    private func finishSlice(_ jobId: String, spool: String, modelPath: String) async {
        let part = Self.gcodePartPath(jobId, spool: spool)
        guard queue.job(jobId)?.state == .slicing else {
            unlink(part)
            return
        }
        let final = Self.gcodePath(jobId, spool: spool)
        await checkAndMarkReady(jobId, path: final, resumedFrom: 0, renamingFrom: part)
        // Ready (or already printing): the G-code is in place and the model has served.
        if FileManager.default.fileExists(atPath: final) { unlink(modelPath) }
    }

    /// Hands the slicer's progress to Managers: each new point at once, and the latest again every
    /// `slicingReportInterval` so that a long quiet stage still shows the job alive.
    private func relaySlicingProgress(_ jobId: String, _ reports: AsyncStream<SlicingProgress>, label: String) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for await reached in reports { await self.recordSlicing(jobId, reached, label: label) }
            }
            group.addTask {
                while !Task.isCancelled {
                    try? await Task.sleep(for: Self.slicingReportInterval)
                    await self.repeatSlicing(jobId)
                }
            }
            await group.next()
            group.cancelAll()
        }
    }

    private func recordSlicing(_ jobId: String, _ reached: SlicingProgress, label: String) {
        slicingProgress[jobId] = reached
        let wasWaiting = queue.job(jobId)?.slicing?.stage == "waiting"
        guard let job = try? queue.updateWaiting(jobId, { job in
            job.slicing = JobSlicing(progress: reached.fraction, stage: reached.stage, slicer: label)
            job.message = "slicing with \(label)"
        }) else { return }
        if wasWaiting { notices.yield(.jobState(job)) }
        notices.yield(.jobProgress(job))
    }

    private func repeatSlicing(_ jobId: String) {
        guard let job = queue.job(jobId), job.state == .slicing, job.slicing != nil else { return }
        notices.yield(.jobProgress(job))
    }

    /// How long a slice waits for its printer to come up before it fails for want of a build volume.
    static let volumeWait: Duration = .seconds(60)

    private func waitUntilReady(atMost limit: Duration) async {
        let (ready, sink) = AsyncStream.makeStream(of: Void.self)
        readyWaiters.append(sink)
        await withTaskGroup(of: Void.self) { group in
            group.addTask { for await _ in ready {} }
            group.addTask { try? await Task.sleep(for: limit) }
            await group.next()
            group.cancelAll()
        }
        sink.finish()
    }

    /// From the firmware's M211 when it reported one, else the configuration's `build_volume`.
    var printableVolume: PrintableVolume? {
        if let endstops = linkIdentity?.buildVolume ?? firmwareIdentity?.buildVolume {
            return PrintableVolume(x: endstops.max.x - endstops.min.x, y: endstops.max.y - endstops.min.y,
                                   z: endstops.max.z - endstops.min.z)
        }
        if let volume = settings.buildVolume { return PrintableVolume(x: volume.x, y: volume.y, z: volume.z) }
        return nil
    }
}

