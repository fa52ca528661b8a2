import Foundation
import GCode
import Testing
@testable import Slicing

@Suite struct ModelReaderTests {
    let box = ModelFixtures.box(SIMD3(-10, 5, 0), SIMD3(30, 25, 12.5))
    let expectedSize = Millimetres3(x: 40, y: 20, z: 12.5)

    private func read(_ bytes: [UInt8], _ format: ModelFormat, limits: ModelLimits = .board) throws -> (ModelSummary, TriangleMesh?) {
        let directory = try ModelFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = "\(directory)/model.\(format.rawValue)"
        try ModelFixtures.write(bytes, to: path)
        let (summary, mesh) = try ModelFile.read(path: path, format: format, limits: limits)
        return (summary, mesh)
    }

    private func binarySTLBytes(_ mesh: TriangleMesh) throws -> [UInt8] {
        let directory = try ModelFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try BinarySTLWriter.write(mesh, to: "\(directory)/m.stl")
        return Array(try Data(contentsOf: URL(fileURLWithPath: "\(directory)/m.stl")))
    }

    @Test func binarySTL() throws {
        let bytes = try binarySTLBytes(box)
        #expect(bytes.count == 84 + 50 * 12)
        let (summary, mesh) = try read(bytes, .stl)
        #expect(summary.triangleCount == 12)
        #expect(summary.bounds.size == expectedSize)
        #expect(summary.bounds.minimum == Millimetres3(x: -10, y: 5, z: 0))
        #expect(mesh == nil)
    }

    /// A binary STL whose 80-byte header starts with `solid` (SolidWorks writes them) is still binary: its size matches.
    @Test func binarySTLWithSolidHeader() throws {
        var bytes = try binarySTLBytes(box)
        bytes.replaceSubrange(0..<11, with: Array("solid part ".utf8))
        let (summary, _) = try read(bytes, .stl)
        #expect(summary.triangleCount == 12)
        #expect(summary.bounds.size == expectedSize)
    }

    @Test func asciiSTL() throws {
        let (summary, _) = try read(Array(ModelFixtures.asciiSTL(box).utf8), .stl)
        #expect(summary.triangleCount == 12)
        #expect(summary.bounds.size == expectedSize)
    }

    @Test func obj() throws {
        let (summary, mesh) = try read(Array(ModelFixtures.obj(box).utf8), .obj)
        #expect(summary.triangleCount == 12)
        #expect(summary.bounds.size == expectedSize)
        #expect(mesh?.triangles == box.triangles)
    }

    @Test func objPolygonBecomesAFan() throws {
        let text = "v 0 0 0\nv 10 0 0\nv 10 10 0\nv 0 10 0\nv 0 0 5\nf 1/1/1 2/2/2 3/3/3 4/4/4\nf 1 2 5\n"
        let (summary, mesh) = try read(Array(text.utf8), .obj)
        #expect(summary.triangleCount == 3)
        #expect(mesh?.triangles[0] == SIMD3(0, 1, 2))
        #expect(mesh?.triangles[1] == SIMD3(0, 2, 3))
        #expect(summary.bounds.size == Millimetres3(x: 10, y: 10, z: 5))
    }

    @Test func threeMF() throws {
        let (summary, mesh) = try read(ModelFixtures.threeMF(box), .threeMF)
        #expect(summary.triangleCount == 12)
        #expect(summary.bounds.size == expectedSize)
        #expect(mesh?.vertices.count == 8)
    }

    /// A build item's transform places the object: here scaled by 2 in X and moved up 100 mm.
    @Test func threeMFBuildTransform() throws {
        let (summary, _) = try read(ModelFixtures.threeMF(box, transform: "2 0 0 0 1 0 0 0 1 0 0 100"), .threeMF)
        #expect(summary.bounds.size == Millimetres3(x: 80, y: 20, z: 12.5))
        #expect(summary.bounds.minimum.z == 100)
    }

    @Test func threeMFStored() throws {
        let bytes = ModelFixtures.zip([("_rels/.rels", Array(ModelFixtures.relationships.utf8)),
                                       ("3D/3dmodel.model", Array(ModelFixtures.modelXML(box).utf8))], deflate: false)
        let (summary, _) = try read(bytes, .threeMF)
        #expect(summary.triangleCount == 12)
    }

    @Test func zipBombStopsAtTheLimit() throws {
        let zeros = [UInt8](repeating: 0x20, count: 4 << 20)
        let bytes = ModelFixtures.zip([("_rels/.rels", Array(ModelFixtures.relationships.utf8)), ("3D/3dmodel.model", zeros)])
        #expect(bytes.count < 64 * 1024)
        #expect(throws: ModelError.tooLarge("3D/3dmodel.model unpacks to more than 1 MB (a zip bomb?)")) {
            _ = try read(bytes, .threeMF, limits: ModelLimits(maximumInflatedBytes: 1 << 20))
        }
    }

    /// 10 billion triangles claimed in 84 bytes: refused from the header, without reading on.
    @Test func absurdTriangleClaim() throws {
        var bytes = [UInt8](repeating: 0, count: 84 + 50)
        bytes[80] = 0xff; bytes[81] = 0xff; bytes[82] = 0xff; bytes[83] = 0xff
        #expect(throws: ModelError.tooManyTriangles(.stl, count: 0xffff_ffff, limit: ModelLimits.board.maximumTriangles)) {
            _ = try read(bytes, .stl)
        }
    }

    @Test func triangleLimit() throws {
        let sphere = ModelFixtures.sphere(radius: 10, rings: 20, segments: 20)
        let limits = ModelLimits(maximumTriangles: 100)
        #expect(throws: ModelError.tooManyTriangles(.stl, count: UInt64(sphere.triangles.count), limit: 100)) {
            _ = try read(try binarySTLBytes(sphere), .stl, limits: limits)
        }
        #expect(throws: ModelError.self) { _ = try read(Array(ModelFixtures.obj(sphere).utf8), .obj, limits: limits) }
        #expect(throws: ModelError.self) { _ = try read(ModelFixtures.threeMF(sphere), .threeMF, limits: limits) }
    }

    @Test(arguments: ModelFormat.allCases) func emptyFile(format: ModelFormat) throws {
        #expect(throws: ModelError.self) { _ = try read([], format) }
    }

    @Test func garbage() throws {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<3000).map { _ in UInt8.random(in: 1...255, using: &generator) }
        #expect(throws: ModelError.self) { _ = try read(bytes, .stl) }
        #expect(throws: ModelError.self) { _ = try read(bytes, .threeMF) }
        // Random bytes have no `v ` line at a line start with three numbers often enough: either nothing or broken.
        #expect(throws: ModelError.self) { _ = try read(Array("hello\nworld\n".utf8), .obj) }
    }

    @Test func brokenMeshes() throws {
        #expect(throws: ModelError.malformed(.obj, "line 2: face refers to vertex 2, there are 1")) {
            _ = try read(Array("v 0 0 0\nf 1 2 4\nv 1 1 1\n".utf8), .obj)
        }
        #expect(throws: ModelError.malformed(.stl, "line 3: a vertex without three numbers")) {
            _ = try read(Array("solid x\nfacet normal 0 0 0\nvertex 1 nan 2\n".utf8), .stl)
        }
        var truncated = try binarySTLBytes(box)
        truncated.removeLast(10)
        #expect(throws: ModelError.malformed(.stl, "a binary STL of 12 triangles has 684 bytes, this file has 674")) {
            _ = try read(truncated, .stl)
        }
    }

    @Test func doesNotFitNamesBothSizes() throws {
        let (summary, _) = try read(try binarySTLBytes(box), .stl)
        try ModelFile.checkFits(summary, in: PrintableVolume(x: 40, y: 20, z: 12.5))
        let error = #expect(throws: ModelError.self) { try ModelFile.checkFits(summary, in: PrintableVolume(x: 220, y: 220, z: 10)) }
        #expect(error?.description == "the model does not fit the printer: it measures 40 × 20 × 12.5 mm, the build volume is 220 × 220 × 10 mm")
    }

    /// The STL the agent writes for CuraEngine reads back as the same triangles.
    @Test func conversionRoundTrip() throws {
        let sphere = ModelFixtures.sphere(radius: 10, rings: 12, segments: 16)
        let (fromOBJ, mesh) = try read(Array(ModelFixtures.obj(sphere).utf8), .obj)
        let (fromSTL, _) = try read(try binarySTLBytes(try #require(mesh)), .stl)
        #expect(fromSTL.triangleCount == fromOBJ.triangleCount)
        #expect(fromSTL.bounds == fromOBJ.bounds)
    }
}
