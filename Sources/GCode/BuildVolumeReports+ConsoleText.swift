extension SoftEndstops {
    /// The limits as Marlin 2.1 writes them (`Min:  X0.0 Y0.0 Z0.0   Max:  X200.0 Y200.0 Z200.0`), after the state
    /// when the line gave it: what a console that sent M211 shows.
    public var consoleText: String {
        let limits = "Min:  \(min.consoleText)   Max:  \(max.consoleText)"
        guard let enabled else { return limits }
        return "Soft endstops: \(enabled ? "ON" : "OFF")  " + limits
    }
}

extension PrintArea {
    /// `area: full X-5.0…240.0 Y-8.0…235.0 Z0.0…250.0, work X0.0…235.0 …`: M115's geometry line, readable.
    public var consoleText: String {
        func box(_ box: Box) -> String {
            "X\(box.min.x)…\(box.max.x) Y\(box.min.y)…\(box.max.y) Z\(box.min.z)…\(box.max.z)"
        }
        return "area: full \(box(full)), work \(box(work))"
    }
}

extension Millimetres3 {
    var consoleText: String { "X\(x) Y\(y) Z\(z)" }
}
