/// CuraEngine 4.x with `-p` prints on standard error `Progress:<stage>:<i>:<n>\t<f>%`, where `f` is the whole
/// slice's fraction 0…1 (despite the `%`), and `Progress: <stage> accomplished in …` between stages.
public struct CuraEngineProgressParser: SlicerProgressParser {
    private var forward = ForwardOnly()

    public init() {}

    public mutating func progress(fromLine line: Substring, onStandardError: Bool) -> SlicingProgress? {
        guard onStandardError, line.hasPrefix("Progress:") else { return nil }
        let rest = line.dropFirst("Progress:".count)
        guard let tab = rest.firstIndex(of: "\t") else { return nil }
        let fields = rest[..<tab].trimmingSpaces.split(separator: ":")
        guard fields.count == 3, let step = Int(fields[1]), let steps = Int(fields[2]) else { return nil }
        var number = rest[rest.index(after: tab)...].trimmingSpaces
        if number.last == "%" { number = number.dropLast() }
        guard let fraction = Double(number) else { return nil }
        let stage = Self.stageNames[String(fields[0])] ?? String(fields[0])
        return forward.advance(to: fraction, stage: steps > 1 ? "\(stage) \(step)/\(steps)" : stage)
    }

    /// CuraEngine's stage keys in words a person reads.
    static let stageNames = [
        "slice": "slicing the mesh", "layerparts": "layer parts", "inset+skin": "walls and skins",
        "support": "support", "export": "writing layers", "process": "done",
    ]
}
