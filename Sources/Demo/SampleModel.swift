/// The demo's 3D model when a slicer is installed: a small stepped block (a 24 × 16 × 4 mm base with a
/// 12 × 8 × 6 mm step on it) as ASCII STL — a few thousand lines of G-code once sliced, so the whole seed flow
/// with slicing stays well under a minute on the virtual printer.
enum SampleModel {
    static let fileName = "sample-block.stl"

    static func stl() -> String {
        var text = "solid sample-block\n"
        text += box(from: (0, 0, 0), to: (24, 16, 4))
        text += box(from: (6, 4, 4), to: (18, 12, 10))
        return text + "endsolid sample-block\n"
    }

    /// The 12 triangles of an axis-aligned box, wound outwards.
    private static func box(from low: (Double, Double, Double), to high: (Double, Double, Double)) -> String {
        let (x0, y0, z0) = low, (x1, y1, z1) = high
        let corners = [(x0, y0, z0), (x1, y0, z0), (x1, y1, z0), (x0, y1, z0),
                       (x0, y0, z1), (x1, y0, z1), (x1, y1, z1), (x0, y1, z1)]
        // Each face as two triangles of corner indices, counter-clockwise seen from outside.
        let faces: [[Int]] = [[0, 2, 1], [0, 3, 2], [4, 5, 6], [4, 6, 7], [0, 1, 5], [0, 5, 4],
                              [1, 2, 6], [1, 6, 5], [2, 3, 7], [2, 7, 6], [3, 0, 4], [3, 4, 7]]
        var text = ""
        for face in faces {
            text += "facet normal 0 0 0\n outer loop\n"
            for index in face {
                let (x, y, z) = corners[index]
                text += "  vertex \(x) \(y) \(z)\n"
            }
            text += " endloop\nendfacet\n"
        }
        return text
    }
}
