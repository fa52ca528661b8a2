import Foundation
import Jobs
import ThreeDPProtocol

/// What a job adds beyond its queue entry: the stage it is in, its slice, and what its G-code tells about the
/// print (slicer, estimates, filament, layers, thumbnail), as OctoPrint and Moonraker users see them.
enum JobDetailsView {
    /// `downloading`, `slicing`, `printing`, or the job's state when it is in none of them.
    static func stage(_ job: PrintJob) -> JSONValue {
        switch job.state {
        case .downloading: return "downloading"
        case .slicing: return "slicing"
        case .printing, .paused: return "printing"
        default: return .string(job.state.rawValue)
        }
    }

    static func slicing(_ job: PrintJob) -> JSONValue {
        guard let slicing = job.slicing else { return .null }
        return .object([
            "progress": .number((slicing.progress * 1000).rounded() / 1000),
            "stage": .string(slicing.stage),
            "slicer": .string(slicing.slicer),
        ])
    }

    /// While the job is on the printer: how long it has printed, how long it still takes (the slicer's `M73 R` at
    /// the line the printer confirmed, else its estimate scaled by the progress), and the layer it is in.
    static func printing(_ job: PrintJob, now: Date = Date()) -> JSONValue {
        guard job.state.isOnPrinter, let started = job.startedAt else { return .null }
        let line = job.lastConfirmedFileLine
        var remaining: Int?
        if let marked = job.timeline?.remainingSeconds(atFileLine: line) {
            remaining = marked
        } else if let estimate = job.printInfo?.estimatedSeconds {
            remaining = Int((Double(estimate) * (1 - min(max(job.progress, 0), 1))).rounded())
        }
        let layerCount = job.printInfo?.layerCount ?? job.timeline.flatMap { $0.layerCount > 0 ? $0.layerCount : nil }
        return .object([
            "elapsedSeconds": .integer(Int64(max(0, now.timeIntervalSince(started)).rounded())),
            "remainingSeconds": remaining.map { .integer(Int64($0)) } ?? .null,
            "currentLayer": job.timeline?.layer(atFileLine: line).map { .integer(Int64($0)) } ?? .null,
            "layerCount": layerCount.map { .integer(Int64($0)) } ?? .null,
        ])
    }

    /// The print's facts, null until its G-code is ready. The thumbnail is a PNG in base64 (at most a few
    /// dozen KB as slicers write them).
    static func printInfo(_ job: PrintJob) -> JSONValue {
        guard let info = job.printInfo else { return .null }
        return .object([
            "slicer": info.slicer.map(JSONValue.string) ?? .null,
            "slicerVersion": info.slicerVersion.map(JSONValue.string) ?? .null,
            "estimatedSeconds": info.estimatedSeconds.map { .integer(Int64($0)) } ?? .null,
            "filamentMillimetres": info.filamentMillimetres.map { .number(($0 * 10).rounded() / 10) } ?? .null,
            "filamentGrams": info.filamentGrams.map { .number(($0 * 100).rounded() / 100) } ?? .null,
            "layerCount": info.layerCount.map { .integer(Int64($0)) } ?? .null,
            "thumbnail": info.thumbnail.map { thumbnail in
                .object([
                    "width": .integer(Int64(thumbnail.width)), "height": .integer(Int64(thumbnail.height)),
                    "mediaType": "image/png", "base64": .string(Data(thumbnail.data).base64EncodedString()),
                ])
            } ?? .null,
        ])
    }
}
