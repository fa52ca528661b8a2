/// A size or a point in millimetres, X, Y and Z as a printer names its axes.
public struct Millimetres3: Sendable, Equatable, CustomStringConvertible {
    public var x: Double
    public var y: Double
    public var z: Double

    public init(x: Double, y: Double, z: Double) {
        self.x = x
        self.y = y
        self.z = z
    }

    /// `120 × 80 × 45.5 mm`: what a person reads in a "does not fit" message.
    public var description: String { "\(Self.text(x)) × \(Self.text(y)) × \(Self.text(z)) mm" }

    public static func text(_ value: Double) -> String {
        let rounded = (value * 10).rounded() / 10
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }
}
