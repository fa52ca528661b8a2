/// Triangles over shared vertices, in mm, as OBJ and 3MF store them: what the agent converts to STL for a slicer
/// that reads nothing else.
public struct TriangleMesh: Sendable, Equatable {
    public var vertices: [SIMD3<Float>] = []
    /// Indices into `vertices`, three per triangle, each checked to be in range when the mesh was read.
    public var triangles: [SIMD3<UInt32>] = []

    public init(vertices: [SIMD3<Float>] = [], triangles: [SIMD3<UInt32>] = []) {
        self.vertices = vertices
        self.triangles = triangles
    }

    /// Around the vertices that triangles use (a file may list vertices no face refers to).
    public var bounds: ModelBounds? {
        var box = ModelBounds.Accumulator()
        for triangle in triangles {
            for corner in [triangle.x, triangle.y, triangle.z] {
                let vertex = vertices[Int(corner)]
                box.add(Double(vertex.x), Double(vertex.y), Double(vertex.z))
            }
        }
        return box.bounds
    }
}

/// What the model reader found out about a model file.
public struct ModelSummary: Sendable, Equatable {
    public var format: ModelFormat
    public var triangleCount: Int
    public var bounds: ModelBounds

    public init(format: ModelFormat, triangleCount: Int, bounds: ModelBounds) {
        self.format = format
        self.triangleCount = triangleCount
        self.bounds = bounds
    }
}
