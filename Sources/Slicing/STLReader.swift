/// STL in both encodings. Binary: an 80-byte header, a triangle count, 50 bytes per triangle; the count must
/// match the file's size exactly, which is also how a binary file whose header starts with `solid` is told from
/// ASCII. ASCII: `facet normal … outer loop vertex x y z ×3 endloop endfacet`.
enum STLReader {
    static func summary(of bytes: UnsafeBufferPointer<UInt8>, limits: ModelLimits) throws(ModelError) -> ModelSummary {
        if bytes.count >= 84 {
            let claimed = UInt64(bytes[80]) | UInt64(bytes[81]) << 8 | UInt64(bytes[82]) << 16 | UInt64(bytes[83]) << 24
            if UInt64(bytes.count) == 84 + 50 * claimed {
                return try binary(bytes, count: claimed, limits: limits)
            }
            if !startsWithSolid(bytes) {
                if claimed > UInt64(limits.maximumTriangles) {
                    throw .tooManyTriangles(.stl, count: claimed, limit: limits.maximumTriangles)
                }
                throw .malformed(.stl, "a binary STL of \(claimed) triangles has \(84 + 50 * claimed) bytes, this file has \(bytes.count)")
            }
        }
        guard startsWithSolid(bytes) else { throw .empty(.stl) }
        return try ascii(bytes, limits: limits)
    }

    private static func startsWithSolid(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var scanner = TextScanner(bytes)
        scanner.skipSpaces()
        let start = scanner.position
        guard bytes.count - start >= 5 else { return false }
        return zip(bytes[start..<start + 5], "solid".utf8).allSatisfy { $0 | 0x20 == $1 }
    }

    private static func binary(_ bytes: UnsafeBufferPointer<UInt8>, count: UInt64, limits: ModelLimits) throws(ModelError) -> ModelSummary {
        guard count > 0 else { throw .empty(.stl) }
        guard count <= UInt64(limits.maximumTriangles) else {
            throw .tooManyTriangles(.stl, count: count, limit: limits.maximumTriangles)
        }
        var box = ModelBounds.Accumulator()
        let raw = UnsafeRawBufferPointer(bytes)
        for triangle in 0..<Int(count) {
            let base = 84 + triangle * 50 + 12  // after the normal
            for corner in 0..<3 {
                let offset = base + corner * 12
                let x = Float(bitPattern: raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self).littleEndian)
                let y = Float(bitPattern: raw.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self).littleEndian)
                let z = Float(bitPattern: raw.loadUnaligned(fromByteOffset: offset + 8, as: UInt32.self).littleEndian)
                guard x.isFinite, y.isFinite, z.isFinite else {
                    throw .malformed(.stl, "triangle \(triangle + 1) has a coordinate that is not a number")
                }
                box.add(Double(x), Double(y), Double(z))
            }
        }
        return ModelSummary(format: .stl, triangleCount: Int(count), bounds: box.bounds!)
    }

    private static func ascii(_ bytes: UnsafeBufferPointer<UInt8>, limits: ModelLimits) throws(ModelError) -> ModelSummary {
        var scanner = TextScanner(bytes)
        var box = ModelBounds.Accumulator()
        var vertices = 0
        _ = scanner.consumeWord("solid")
        scanner.skipLine()
        while !scanner.isAtEnd {
            if scanner.consumeWord("vertex") {
                guard let x = scanner.number(), let y = scanner.number(), let z = scanner.number() else {
                    throw .malformed(.stl, "line \(scanner.lineNumber()): a vertex without three numbers")
                }
                box.add(x, y, z)
                vertices += 1
                if vertices / 3 > limits.maximumTriangles {
                    throw .tooManyTriangles(.stl, count: UInt64(vertices / 3), limit: limits.maximumTriangles)
                }
            }
            scanner.skipLine()
        }
        guard vertices > 0 else { throw .empty(.stl) }
        guard vertices % 3 == 0 else { throw .malformed(.stl, "\(vertices) vertices do not make whole triangles") }
        return ModelSummary(format: .stl, triangleCount: vertices / 3, bounds: box.bounds!)
    }
}
