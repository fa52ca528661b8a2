import Foundation

/// The agent's own reading of a model, before any slicer sees it: what it is, how big, and (for a slicer that
/// reads only STL) the mesh to convert.
public enum ModelFile {
    /// Reads the whole file once (bounded by `limits`). The mesh is returned for OBJ and 3MF, whose conversion
    /// needs it; an STL is summarised as it is read.
    public static func read(path: String, format: ModelFormat, limits: ModelLimits = .board) throws(ModelError) -> (summary: ModelSummary, mesh: TriangleMesh?) {
        // With a NUL after the end, so that number parsing stops there (read in place: no second copy of a
        // large file).
        let bytes = try contents(of: path, limit: limits.maximumFileBytes, terminated: true)
        return try bytes.withUnsafeBufferPointer { all throws(ModelError) in
            let buffer = UnsafeBufferPointer(rebasing: all[0..<(all.count - 1)])
            switch format {
            case .stl:
                return (try STLReader.summary(of: buffer, limits: limits), nil)
            case .obj:
                let mesh = try OBJReader.mesh(of: UnsafeBufferPointer(rebasing: all[...]), limits: limits)
                return (try summary(of: mesh, format: .obj), mesh)
            case .threeMF:
                let mesh = try ThreeMFReader.mesh(of: UnsafeRawBufferPointer(buffer), limits: limits)
                return (try summary(of: mesh, format: .threeMF), mesh)
            }
        }
    }

    /// Checks the size against the build volume before any slicing: a model that cannot fit fails at once, with
    /// both sizes.
    public static func checkFits(_ summary: ModelSummary, in volume: PrintableVolume) throws(ModelError) {
        guard volume.holds(summary.bounds.size) else {
            throw .doesNotFit(model: summary.bounds.size, volume: volume)
        }
    }

    private static func summary(of mesh: TriangleMesh, format: ModelFormat) throws(ModelError) -> ModelSummary {
        guard let bounds = mesh.bounds else { throw .empty(format) }
        for vertex in mesh.vertices where !(vertex.x.isFinite && vertex.y.isFinite && vertex.z.isFinite) {
            throw .malformed(format, "a vertex has a coordinate beyond the range of a float")
        }
        return ModelSummary(format: format, triangleCount: mesh.triangles.count, bounds: bounds)
    }

    static func contents(of path: String, limit: Int, terminated: Bool = false) throws(ModelError) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw .unreadable("\(path): \(errnoText())") }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw .unreadable("\(path): \(errnoText())") }
        guard (status.st_mode & S_IFMT) == S_IFREG else { throw .unreadable("\(path) is not a regular file") }
        let size = Int(status.st_size)
        guard size <= limit else { throw .tooLarge("the file has \(size >> 20) MB; the limit is \(limit >> 20) MB") }
        var bytes = [UInt8](repeating: 0, count: size + (terminated ? 1 : 0))
        var filled = 0
        while filled < size {
            let count = bytes.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress! + filled, size - filled) }
            if count < 0 {
                if errno == EINTR { continue }
                throw .unreadable("\(path): \(errnoText())")
            }
            if count == 0 { break }
            filled += count
        }
        bytes.removeSubrange(filled...)
        if terminated { bytes.append(0) }
        return bytes
    }
}

/// Writes a mesh as binary STL, the one format every slicer reads.
public enum BinarySTLWriter {
    public static func write(_ mesh: TriangleMesh, to path: String) throws(ModelError) {
        var bytes = [UInt8](repeating: 0, count: 84 + 50 * mesh.triangles.count)
        let header = Array("binary STL converted by 3dp-agent".utf8)
        bytes.replaceSubrange(0..<header.count, with: header)
        bytes.withUnsafeMutableBytes { raw in
            raw.storeBytes(of: UInt32(mesh.triangles.count).littleEndian, toByteOffset: 80, as: UInt32.self)
            for (index, triangle) in mesh.triangles.enumerated() {
                let corners = [mesh.vertices[Int(triangle.x)], mesh.vertices[Int(triangle.y)], mesh.vertices[Int(triangle.z)]]
                let normal = normalOf(corners[0], corners[1], corners[2])
                var offset = 84 + index * 50
                for value in [normal.x, normal.y, normal.z] + corners.flatMap({ [$0.x, $0.y, $0.z] }) {
                    raw.storeBytes(of: value.bitPattern.littleEndian, toByteOffset: offset, as: UInt32.self)
                    offset += 4
                }
            }
        }
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw .unreadable("cannot write \(path): \(errnoText())") }
        defer { close(descriptor) }
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress! + written, bytes.count - written) }
            if count < 0 {
                if errno == EINTR { continue }
                throw .unreadable("cannot write \(path): \(errnoText())")
            }
            written += count
        }
    }

    private static func normalOf(_ a: SIMD3<Float>, _ b: SIMD3<Float>, _ c: SIMD3<Float>) -> SIMD3<Float> {
        let u = b - a, v = c - a
        let n = SIMD3(u.y * v.z - u.z * v.y, u.z * v.x - u.x * v.z, u.x * v.y - u.y * v.x)
        let length = (n * n).sum().squareRoot()
        return length > 0 ? n / length : .zero
    }
}
