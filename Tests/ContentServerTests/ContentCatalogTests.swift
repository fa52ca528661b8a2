import Foundation
import Testing
@testable import ContentServer

struct ContentCatalogTests {
    @Test func servesRegularFilesButNoDotfilesNorEscapes() throws {
        let root = try ContentRoot()
        defer { root.remove() }
        try root.write("cube.gcode", size: 10)
        try root.write("parts/bracket.stl", size: 20)
        try root.write(".secret", size: 1)
        try root.write(".git/config", size: 1)
        try root.write("parts/.hidden.gcode", size: 1)
        let outside = try ContentRoot()
        defer { outside.remove() }
        try outside.write("outside.gcode", size: 5)
        try FileManager.default.createSymbolicLink(atPath: root.path + "/escape.gcode",
                                                   withDestinationPath: outside.path + "/outside.gcode")
        try FileManager.default.createSymbolicLink(atPath: root.path + "/alias.gcode",
                                                   withDestinationPath: root.path + "/cube.gcode")

        let catalog = try ContentCatalog(root: root.path)
        let entries = catalog.entries()
        #expect(entries.map(\.contentId) == ["alias.gcode", "cube.gcode", "parts/bracket.stl"])
        let bracket = try #require(entries.first { $0.contentId == "parts/bracket.stl" })
        #expect(bracket.name == "bracket.stl")
        #expect(bracket.size == 20)
        #expect(bracket.mediaType == "model/stl")
        #expect(entries.first { $0.contentId == "cube.gcode" }?.mediaType == "text/x.gcode")
    }

    @Test(arguments: ["../outside.gcode", "parts/../cube.gcode", "/etc/passwd", "", "parts//bracket.stl", ".secret",
                      "parts", "escape.gcode", "missing.gcode", "parts/bracket.stl/"])
    func refusesIdsThatAreNotContents(_ contentId: String) throws {
        let root = try ContentRoot()
        defer { root.remove() }
        try root.write("cube.gcode", size: 10)
        try root.write("parts/bracket.stl", size: 20)
        try root.write(".secret", size: 1)
        try FileManager.default.createSymbolicLink(atPath: root.path + "/escape.gcode", withDestinationPath: "/etc/hostname")
        #expect(try ContentCatalog(root: root.path).entry(for: contentId) == nil)
    }

    @Test func aMissingRootIsSaidSo() {
        #expect(throws: ContentServerError.rootMissing("/nonexistent/root")) {
            try ContentCatalog(root: "/nonexistent/root")
        }
    }
}
