import CZlib
import Foundation
@testable import Slicing

/// Models made in the test, so that every number in an expectation comes from the code that made the file.
enum ModelFixtures {
    static var fixtureDirectory: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures").path
    }

    static func fixture(_ name: String) throws -> String {
        try String(contentsOfFile: "\(fixtureDirectory)/\(name)", encoding: .utf8)
    }

    static func temporaryDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "slicing-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// A closed box from (x0,y0,z0) to (x1,y1,z1): 8 vertices, 12 triangles.
    static func box(_ low: SIMD3<Float>, _ high: SIMD3<Float>) -> TriangleMesh {
        var vertices: [SIMD3<Float>] = []
        for z in [low.z, high.z] { for y in [low.y, high.y] { for x in [low.x, high.x] { vertices.append(SIMD3(x, y, z)) } } }
        let faces: [[UInt32]] = [[0, 2, 3, 1], [4, 5, 7, 6], [0, 1, 5, 4], [2, 6, 7, 3], [0, 4, 6, 2], [1, 3, 7, 5]]
        var triangles: [SIMD3<UInt32>] = []
        for face in faces {
            triangles.append(SIMD3(face[0], face[1], face[2]))
            triangles.append(SIMD3(face[0], face[2], face[3]))
        }
        return TriangleMesh(vertices: vertices, triangles: triangles)
    }

    static func sphere(radius: Float, rings: Int, segments: Int) -> TriangleMesh {
        TriangleMesh.sphere(radius: radius, rings: rings, segments: segments)
    }

    static func binarySTL(_ mesh: TriangleMesh, at path: String) throws {
        try BinarySTLWriter.write(mesh, to: path)
    }

    static func asciiSTL(_ mesh: TriangleMesh) -> String {
        var text = "solid test\n"
        for triangle in mesh.triangles {
            text += "  facet normal 0 0 0\n    outer loop\n"
            for corner in [triangle.x, triangle.y, triangle.z] {
                let v = mesh.vertices[Int(corner)]
                text += "      vertex \(v.x) \(v.y) \(v.z)\n"
            }
            text += "    endloop\n  endfacet\n"
        }
        return text + "endsolid test\n"
    }

    /// Quads where the box has them, to exercise the fan; negative indices on the last face.
    static func obj(_ mesh: TriangleMesh) -> String {
        var text = "# test\nmtllib none.mtl\no part\n"
        for v in mesh.vertices { text += "v \(v.x) \(v.y) \(v.z)\n" }
        text += "vn 0 0 1\n"
        for (index, t) in mesh.triangles.enumerated() {
            if index == mesh.triangles.count - 1 {
                let n = mesh.vertices.count
                text += "f \(Int(t.x) - n) \(Int(t.y) - n) \(Int(t.z) - n)\n"
            } else {
                text += "f \(t.x + 1)//1 \(t.y + 1)//1 \(t.z + 1)//1\n"
            }
        }
        return text
    }

    static func modelXML(_ mesh: TriangleMesh, transform: String? = nil) -> String {
        var xml = #"<?xml version="1.0" encoding="UTF-8"?>\#n<model unit="millimeter" xmlns="http://schemas.microsoft.com/3dmanufacturing/core/2015/02"><resources><object id="1" type="model"><mesh><vertices>"#
        for v in mesh.vertices { xml += #"<vertex x="\#(v.x)" y="\#(v.y)" z="\#(v.z)"/>"# + "\n" }
        xml += "</vertices><triangles>"
        for t in mesh.triangles { xml += #"<triangle v1="\#(t.x)" v2="\#(t.y)" v3="\#(t.z)"/>"# + "\n" }
        xml += "</triangles></mesh></object></resources><build><item objectid=\"1\""
        if let transform { xml += " transform=\"\(transform)\"" }
        return xml + "/></build></model>\n"
    }

    static let relationships = #"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Target="/3D/3dmodel.model" Id="rel0" Type="http://schemas.microsoft.com/3dmanufacturing/2013/01/3dmodel"/></Relationships>"#

    /// A zip with deflated members (stored when `deflate` is false).
    static func zip(_ members: [(String, [UInt8])], deflate: Bool = true) -> [UInt8] {
        var file: [UInt8] = []
        var directory: [UInt8] = []
        func u16(_ value: Int, _ into: inout [UInt8]) { into += [UInt8(value & 0xff), UInt8(value >> 8 & 0xff)] }
        func u32(_ value: Int, _ into: inout [UInt8]) { u16(value & 0xffff, &into); u16(value >> 16 & 0xffff, &into) }
        for (name, contents) in members {
            let data = deflate ? rawDeflate(contents) : contents
            let crc = contents.withUnsafeBufferPointer { Int(crc32(0, $0.baseAddress, uInt($0.count))) }
            let offset = file.count
            u32(0x0403_4b50, &file); u16(20, &file); u16(0, &file); u16(deflate ? 8 : 0, &file); u16(0, &file); u16(0, &file)
            u32(crc, &file); u32(data.count, &file); u32(contents.count, &file); u16(name.utf8.count, &file); u16(0, &file)
            file += Array(name.utf8) + data
            u32(0x0201_4b50, &directory); u16(20, &directory); u16(20, &directory); u16(0, &directory)
            u16(deflate ? 8 : 0, &directory); u16(0, &directory); u16(0, &directory); u32(crc, &directory)
            u32(data.count, &directory); u32(contents.count, &directory); u16(name.utf8.count, &directory)
            u16(0, &directory); u16(0, &directory); u16(0, &directory); u16(0, &directory); u32(0, &directory)
            u32(offset, &directory); directory += Array(name.utf8)
        }
        let directoryOffset = file.count
        file += directory
        u32(0x0605_4b50, &file); u16(0, &file); u16(0, &file); u16(members.count, &file); u16(members.count, &file)
        u32(directory.count, &file); u32(directoryOffset, &file); u16(0, &file)
        return file
    }

    static func threeMF(_ mesh: TriangleMesh, transform: String? = nil) -> [UInt8] {
        zip([("[Content_Types].xml", Array("<Types/>".utf8)), ("_rels/.rels", Array(relationships.utf8)),
             ("3D/3dmodel.model", Array(modelXML(mesh, transform: transform).utf8))])
    }

    static func rawDeflate(_ input: [UInt8]) -> [UInt8] {
        var stream = z_stream()
        deflateInit2_(&stream, 6, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        defer { deflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(input.count))) + 64)
        var input = input
        let produced = input.withUnsafeMutableBufferPointer { source in
            output.withUnsafeMutableBufferPointer { target -> Int in
                stream.next_in = source.baseAddress
                stream.avail_in = uInt(source.count)
                stream.next_out = target.baseAddress
                stream.avail_out = uInt(target.count)
                _ = deflate(&stream, Z_FINISH)
                return target.count - Int(stream.avail_out)
            }
        }
        return Array(output[0..<produced])
    }

    static func write(_ bytes: [UInt8], to path: String) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }
}
