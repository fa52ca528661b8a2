/// Wavefront OBJ: `v x y z` vertices and `f a b c …` faces (1-based, negative counts back from the last vertex,
/// `a/t/n` forms); a polygon becomes a fan of triangles. Everything else (normals, textures, groups) is skipped.
enum OBJReader {
    static func mesh(of bytes: UnsafeBufferPointer<UInt8>, limits: ModelLimits) throws(ModelError) -> TriangleMesh {
        var mesh = TriangleMesh()
        var scanner = TextScanner(bytes)
        var corners: [UInt32] = []
        while !scanner.isAtEnd {
            scanner.skipBlanks()
            let start = scanner.position
            guard start + 1 < bytes.count else { break }
            let first = bytes[start], second = bytes[start + 1]
            if first == UInt8(ascii: "v"), second == 0x20 || second == 0x09 {
                scanner.position += 2
                guard let x = scanner.number(), let y = scanner.number(), let z = scanner.number() else {
                    throw .malformed(.obj, "line \(scanner.lineNumber()): a vertex without three numbers")
                }
                guard mesh.vertices.count < UInt32.max else { throw .tooLarge("more vertices than an index can count") }
                mesh.vertices.append(SIMD3(Float(x), Float(y), Float(z)))
            } else if first == UInt8(ascii: "f"), second == 0x20 || second == 0x09 {
                scanner.position += 2
                corners.removeAll(keepingCapacity: true)
                while true {
                    scanner.skipBlanks()
                    guard let index = scanner.number() else { break }
                    // Skip `/texture/normal`.
                    while !scanner.isAtEnd, !TextScanner.isSpace(bytes[scanner.position]) { scanner.position += 1 }
                    let count = mesh.vertices.count
                    let resolved = index < 0 ? count + Int(index) : Int(index) - 1
                    guard index == index.rounded(), resolved >= 0, resolved < count else {
                        throw .malformed(.obj, "line \(scanner.lineNumber()): face refers to vertex \(Int(index)), there are \(count)")
                    }
                    corners.append(UInt32(resolved))
                }
                guard corners.count >= 3 else {
                    throw .malformed(.obj, "line \(scanner.lineNumber()): a face with fewer than three corners")
                }
                for corner in 1..<(corners.count - 1) {
                    mesh.triangles.append(SIMD3(corners[0], corners[corner], corners[corner + 1]))
                }
                if mesh.triangles.count > limits.maximumTriangles {
                    throw .tooManyTriangles(.obj, count: UInt64(mesh.triangles.count), limit: limits.maximumTriangles)
                }
            }
            scanner.skipLine()
        }
        guard !mesh.triangles.isEmpty else { throw .empty(.obj) }
        return mesh
    }
}
