import GCode

/// The axis-aligned box around every vertex of a model, as the model file places it.
public struct ModelBounds: Sendable, Equatable {
    public var minimum: Millimetres3
    public var maximum: Millimetres3

    public init(minimum: Millimetres3, maximum: Millimetres3) {
        self.minimum = minimum
        self.maximum = maximum
    }

    public var size: Millimetres3 {
        Millimetres3(x: maximum.x - minimum.x, y: maximum.y - minimum.y, z: maximum.z - minimum.z)
    }

    /// Grows the box to hold a point; the first point starts it.
    struct Accumulator {
        private(set) var lower = SIMD3<Double>(repeating: .infinity)
        private(set) var upper = SIMD3<Double>(repeating: -.infinity)
        private(set) var isEmpty = true

        mutating func add(_ x: Double, _ y: Double, _ z: Double) {
            let point = SIMD3(x, y, z)
            lower = pointwiseMin(lower, point)
            upper = pointwiseMax(upper, point)
            isEmpty = false
        }

        var bounds: ModelBounds? {
            guard !isEmpty else { return nil }
            return ModelBounds(minimum: Millimetres3(x: lower.x, y: lower.y, z: lower.z),
                               maximum: Millimetres3(x: upper.x, y: upper.y, z: upper.z))
        }
    }
}

/// What the printer can print inside: X, Y and Z in mm, from M211, M115 or the configuration.
public struct PrintableVolume: Sendable, Equatable, CustomStringConvertible {
    public var size: Millimetres3

    public init(x: Double, y: Double, z: Double) {
        size = Millimetres3(x: x, y: y, z: z)
    }

    /// Slicers place a model anywhere on the bed (they centre it), so only the sizes are compared, each axis on
    /// its own; a rounding slack of a micrometre lets a model exactly as wide as the bed fit.
    public func holds(_ model: Millimetres3) -> Bool {
        let slack = 0.001
        return model.x <= size.x + slack && model.y <= size.y + slack && model.z <= size.z + slack
    }

    public var description: String { size.description }
}
