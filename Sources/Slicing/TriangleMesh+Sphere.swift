import Foundation

extension TriangleMesh {
    /// A UV sphere of about `2 × rings × segments` triangles resting on z = 0, centred on x = y = 0: the model
    /// `bench slice` and the slicing tests slice.
    public static func sphere(radius: Float, rings: Int, segments: Int) -> TriangleMesh {
        var mesh = TriangleMesh()
        mesh.vertices.append(SIMD3(0, 0, 2 * radius))
        for ring in 1..<rings {
            let theta = Float.pi * Float(ring) / Float(rings)
            for segment in 0..<segments {
                let phi = 2 * Float.pi * Float(segment) / Float(segments)
                mesh.vertices.append(SIMD3(radius * sin(theta) * cos(phi), radius * sin(theta) * sin(phi), radius + radius * cos(theta)))
            }
        }
        mesh.vertices.append(SIMD3(0, 0, 0))
        let bottom = UInt32(mesh.vertices.count - 1)
        func index(_ ring: Int, _ segment: Int) -> UInt32 { UInt32(1 + (ring - 1) * segments + segment % segments) }
        for segment in 0..<segments {
            mesh.triangles.append(SIMD3(0, index(1, segment), index(1, segment + 1)))
            mesh.triangles.append(SIMD3(bottom, index(rings - 1, segment + 1), index(rings - 1, segment)))
        }
        for ring in 1..<(rings - 1) {
            for segment in 0..<segments {
                mesh.triangles.append(SIMD3(index(ring, segment), index(ring + 1, segment), index(ring + 1, segment + 1)))
                mesh.triangles.append(SIMD3(index(ring, segment), index(ring + 1, segment + 1), index(ring, segment + 1)))
            }
        }
        return mesh
    }
}
