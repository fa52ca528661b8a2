import Foundation

/// PrusaSlicer 2.x prints `NN => stage` on standard output (`10 => Processing triangulated mesh`, …,
/// `90 => Exporting G-code to …`), then `Slicing result exported to …`. The numbers are percentages, not in
/// order. Slic3r 1.3 prints the same arrows without a number (`=> Infilling layers`): its stages get the
/// fraction that PrusaSlicer gives the same words.
public struct PrusaSlicerProgressParser: SlicerProgressParser {
    private var forward = ForwardOnly()

    public init() {}

    public mutating func progress(fromLine line: Substring, onStandardError: Bool) -> SlicingProgress? {
        guard !onStandardError else { return nil }
        let text = line.trimmingSpaces
        if text.hasPrefix("Slicing result exported") || text.hasPrefix("Done.") {
            return forward.advance(to: 1, stage: "done")
        }
        guard let arrow = text.range(of: "=> ") else { return nil }
        let stage = String(Self.shortened(text[arrow.upperBound...]))
        let number = text[..<arrow.lowerBound].trimmingSpaces
        if let percent = Double(number) {
            return forward.advance(to: percent / 100, stage: stage)
        }
        guard number.isEmpty else { return nil }
        return forward.advance(to: Self.fractionOfNamedStage(stage), stage: stage)
    }

    /// `Exporting G-code to /var/lib/…/job.gcode` tells nobody anything about the path.
    static func shortened(_ stage: Substring) -> Substring {
        if let to = stage.range(of: " to /") { return stage[..<to.lowerBound] }
        return stage
    }

    /// Slic3r 1.3's stages, with PrusaSlicer's percentages for the same work.
    static func fractionOfNamedStage(_ stage: String) -> Double {
        switch stage {
        case "Processing triangulated mesh": return 0.10
        case "Generating perimeters": return 0.20
        case "Preparing infill": return 0.30
        case "Infilling layers": return 0.70
        case "Generating support material": return 0.85
        case let skirt where skirt.hasPrefix("Generating skirt") || skirt.hasPrefix("Generating brim"): return 0.88
        case let export where export.hasPrefix("Exporting G-code"): return 0.90
        default: return 0
        }
    }
}

extension Substring {
    var trimmingSpaces: Substring {
        var text = self
        while let first = text.first, first == " " || first == "\t" || first == "\r" { text = text.dropFirst() }
        while let last = text.last, last == " " || last == "\t" || last == "\r" { text = text.dropLast() }
        return text
    }
}
