/// 3MF: a zip whose root relationships (`_rels/.rels`) name the model part (usually `3D/3dmodel.model`), an XML
/// file of `<object>`s with `<mesh>` vertices and triangles or `<component>`s, and the `<build>` `<item>`s that
/// place them with a 3×4 `transform`. The mesh the agent reads is every build item, transformed, as the slicer
/// will see it.
enum ThreeMFReader {
    static func mesh(of bytes: UnsafeRawBufferPointer, limits: ModelLimits) throws(ModelError) -> TriangleMesh {
        let archive = try ZipArchive(bytes)
        guard let part = try modelPart(archive, limits: limits) else {
            throw .malformed(.threeMF, "it has no 3D model part (3D/3dmodel.model)")
        }
        let xml = try archive.contents(of: part, limit: limits.maximumInflatedBytes)
        return try xml.withUnsafeBufferPointer { buffer throws(ModelError) in
            var document = ModelDocument(limits: limits)
            try document.read(buffer)
            return try document.placedMesh()
        }
    }

    private static func modelPart(_ archive: ZipArchive, limits: ModelLimits) throws(ModelError) -> ZipArchive.Member? {
        if let relationships = archive.member(named: "_rels/.rels") {
            let text = String(decoding: try archive.contents(of: relationships, limit: 1 << 20), as: UTF8.self)
            for element in text.split(separator: "<") where element.hasPrefix("Relationship ") && element.contains("3dmodel") {
                if let target = XMLTag.attribute("Target", in: Array(element.utf8)[...]), let member = archive.member(named: target) {
                    return member
                }
            }
        }
        return archive.members.first { $0.name.lowercased().hasSuffix(".model") }
    }
}

/// A 3MF transform: x' = m00·x + m10·y + m20·z + m30, and so on (the specification's row vectors).
struct AffineTransform: Equatable {
    var m: [Double]

    static let identity = AffineTransform(m: [1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0])

    init(m: [Double]) {
        self.m = m
    }

    init?(_ text: String?) {
        guard let text else { return nil }
        let numbers = text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).compactMap { Double($0) }
        guard numbers.count == 12, numbers.allSatisfy(\.isFinite) else { return nil }
        m = numbers
    }

    func apply(_ p: SIMD3<Double>) -> SIMD3<Double> {
        SIMD3(p.x * m[0] + p.y * m[3] + p.z * m[6] + m[9],
              p.x * m[1] + p.y * m[4] + p.z * m[7] + m[10],
              p.x * m[2] + p.y * m[5] + p.z * m[8] + m[11])
    }

    /// First `self`, then `outer`.
    func then(_ outer: AffineTransform) -> AffineTransform {
        var result = [Double](repeating: 0, count: 12)
        for row in 0..<4 {
            for column in 0..<3 {
                var value = row == 3 ? outer.m[9 + column] : 0
                for k in 0..<3 { value += m[row * 3 + k] * outer.m[k * 3 + column] }
                result[row * 3 + column] = value
            }
        }
        return AffineTransform(m: result)
    }
}

private struct ModelDocument {
    struct Object {
        var mesh = TriangleMesh()
        var components: [(id: String, transform: AffineTransform)] = []
    }

    let limits: ModelLimits
    var objects: [String: Object] = [:]
    var items: [(id: String, transform: AffineTransform)] = []
    var triangleCount = 0

    init(limits: ModelLimits) {
        self.limits = limits
    }

    mutating func read(_ xml: UnsafeBufferPointer<UInt8>) throws(ModelError) {
        var current: String?
        var index = 0
        while let open = xml[index...].firstIndex(of: UInt8(ascii: "<")) {
            guard let close = xml[open...].firstIndex(of: UInt8(ascii: ">")) else { break }
            index = close + 1
            let tag = xml[(open + 1)..<close]
            guard let first = tag.first, first != UInt8(ascii: "?"), first != UInt8(ascii: "!") else { continue }
            if first == UInt8(ascii: "/") {
                if XMLTag.localName(tag.dropFirst()) == "object" { current = nil }
                continue
            }
            switch XMLTag.localName(tag) {
            case "object":
                guard let id = XMLTag.attribute("id", in: tag) else { throw .malformed(.threeMF, "an object without an id") }
                objects[id] = Object()
                current = tag.last == UInt8(ascii: "/") ? nil : id
            case "vertex":
                guard let id = current else { continue }
                guard let x = XMLTag.number("x", in: tag), let y = XMLTag.number("y", in: tag), let z = XMLTag.number("z", in: tag) else {
                    throw .malformed(.threeMF, "a vertex of object \(id) without finite x, y and z")
                }
                objects[id]!.mesh.vertices.append(SIMD3(Float(x), Float(y), Float(z)))
            case "triangle":
                guard let id = current else { continue }
                let count = objects[id]!.mesh.vertices.count
                guard let a = XMLTag.index("v1", in: tag), let b = XMLTag.index("v2", in: tag), let c = XMLTag.index("v3", in: tag),
                      a < count, b < count, c < count else {
                    throw .malformed(.threeMF, "a triangle of object \(id) refers to a vertex it does not have")
                }
                objects[id]!.mesh.triangles.append(SIMD3(UInt32(a), UInt32(b), UInt32(c)))
                triangleCount += 1
                if triangleCount > limits.maximumTriangles {
                    throw .tooManyTriangles(.threeMF, count: UInt64(triangleCount), limit: limits.maximumTriangles)
                }
            case "component":
                guard let id = current, let reference = XMLTag.attribute("objectid", in: tag) else { continue }
                objects[id]!.components.append((reference, AffineTransform(XMLTag.attribute("transform", in: tag)) ?? .identity))
            case "item":
                guard let reference = XMLTag.attribute("objectid", in: tag) else { continue }
                items.append((reference, AffineTransform(XMLTag.attribute("transform", in: tag)) ?? .identity))
            default:
                continue
            }
        }
    }

    /// Every build item's mesh in build coordinates; without a build, every object as it is.
    func placedMesh() throws(ModelError) -> TriangleMesh {
        var mesh = TriangleMesh()
        let placements = items.isEmpty ? objects.keys.sorted().map { ($0, AffineTransform.identity) } : items
        for (id, transform) in placements {
            try append(id, transform, depth: 0, to: &mesh)
        }
        guard !mesh.triangles.isEmpty else { throw .empty(.threeMF) }
        return mesh
    }

    private func append(_ id: String, _ transform: AffineTransform, depth: Int, to mesh: inout TriangleMesh) throws(ModelError) {
        guard let object = objects[id] else { throw .malformed(.threeMF, "the build refers to object \(id), which is not in the model") }
        guard depth < 8 else { throw .malformed(.threeMF, "its components nest too deep (a loop?)") }
        let base = UInt32(mesh.vertices.count)
        for vertex in object.mesh.vertices {
            let placed = transform.apply(SIMD3(Double(vertex.x), Double(vertex.y), Double(vertex.z)))
            mesh.vertices.append(SIMD3(Float(placed.x), Float(placed.y), Float(placed.z)))
        }
        for triangle in object.mesh.triangles { mesh.triangles.append(triangle &+ base) }
        guard mesh.triangles.count <= limits.maximumTriangles else {
            throw .tooManyTriangles(.threeMF, count: UInt64(mesh.triangles.count), limit: limits.maximumTriangles)
        }
        for component in object.components {
            try append(component.id, component.transform.then(transform), depth: depth + 1, to: &mesh)
        }
    }
}

/// The inside of one XML tag, `vertex x="1" y="2" z="3"/`: its local name (without a namespace prefix) and its
/// attributes. Entities in values are not expanded: 3MF puts numbers and ids in them.
enum XMLTag {
    static func localName(_ tag: Slice<UnsafeBufferPointer<UInt8>>) -> String {
        var end = tag.startIndex
        while end < tag.endIndex, !TextScanner.isSpace(tag[end]), tag[end] != UInt8(ascii: "/") { end += 1 }
        let name = tag[tag.startIndex..<end]
        let local = name.lastIndex(of: UInt8(ascii: ":")).map { name[($0 + 1)...] } ?? name
        return String(decoding: local, as: UTF8.self)
    }

    static func attribute<C: BidirectionalCollection>(_ name: String, in tag: C) -> String? where C.Element == UInt8, C.Index == Int {
        let key = Array(name.utf8)
        var index = tag.startIndex
        while index < tag.endIndex {
            // An attribute name starts after a space.
            guard TextScanner.isSpace(tag[index]) else { index += 1; continue }
            var start = index
            while start < tag.endIndex, TextScanner.isSpace(tag[start]) { start += 1 }
            var end = start
            while end < tag.endIndex, tag[end] != UInt8(ascii: "="), !TextScanner.isSpace(tag[end]) { end += 1 }
            var equals = end
            while equals < tag.endIndex, TextScanner.isSpace(tag[equals]) { equals += 1 }
            guard equals < tag.endIndex, tag[equals] == UInt8(ascii: "=") else { index = max(end, index + 1); continue }
            var quote = equals + 1
            while quote < tag.endIndex, TextScanner.isSpace(tag[quote]) { quote += 1 }
            guard quote < tag.endIndex, tag[quote] == UInt8(ascii: "\"") || tag[quote] == UInt8(ascii: "'") else { return nil }
            guard let closing = tag[(quote + 1)...].firstIndex(of: tag[quote]) else { return nil }
            let attributeName = tag[start..<end]
            let colon = attributeName.lastIndex(of: UInt8(ascii: ":"))
            let local = colon.map { tag[tag.index(after: $0)..<end] } ?? attributeName
            if local.elementsEqual(key) { return String(decoding: tag[(quote + 1)..<closing], as: UTF8.self) }
            index = closing + 1
        }
        return nil
    }

    static func number(_ name: String, in tag: Slice<UnsafeBufferPointer<UInt8>>) -> Double? {
        guard let text = attribute(name, in: tag), let value = Double(text.trimmingCharacters(in: " ")), value.isFinite else { return nil }
        return value
    }

    static func index(_ name: String, in tag: Slice<UnsafeBufferPointer<UInt8>>) -> Int? {
        attribute(name, in: tag).flatMap { Int($0) }.flatMap { $0 >= 0 ? $0 : nil }
    }
}

private extension String {
    func trimmingCharacters(in character: Character) -> Substring {
        var text = self[...]
        while text.first == character { text = text.dropFirst() }
        while text.last == character { text = text.dropLast() }
        return text
    }
}
