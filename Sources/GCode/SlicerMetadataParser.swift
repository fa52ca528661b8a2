extension SlicerMetadata {
    /// Reads the comments of the file's head and tail, each given as whole lines. Slicers write a header
    /// (PrusaSlicer's thumbnails, Cura's `;TIME:`) and a footer (PrusaSlicer's estimates); the middle holds
    /// only moves. A value in the head wins over the same value in the tail.
    public static func parse(head: [UInt8], tail: [UInt8]) -> SlicerMetadata {
        var collector = Collector()
        collector.scan(head)
        collector.scan(tail)
        return collector.metadata()
    }
}

/// Gathers candidate values line by line, then picks the best per field.
private struct Collector {
    var slicer: String?
    var slicerVersion: String?
    var normalModeSeconds: Int?
    var silentModeSeconds: Int?
    var curaSeconds: Int?
    var totalEstimatedSeconds: Int?
    var millimetres: Double?
    var slic3rMillimetres: Double?
    var curaMetres: Double?
    var totalGrams: Double?
    var grams: Double?
    var layerCount: Int?
    var thumbnails: [SlicerMetadata.Thumbnail] = []

    /// The thumbnail block being read.
    private var thumbnail: (width: Int, height: Int, format: String, base64: [UInt8])?

    mutating func scan(_ bytes: [UInt8]) {
        thumbnail = nil
        bytes.withUnsafeBufferPointer { buffer in
            var lineStart = 0
            let count = buffer.count
            while lineStart < count {
                var lineEnd = lineStart
                while lineEnd < count, buffer[lineEnd] != 0x0A, buffer[lineEnd] != 0x0D { lineEnd += 1 }
                line(ReplyBytes(UnsafeBufferPointer(rebasing: buffer[lineStart..<lineEnd])))
                lineStart = lineEnd + 1
            }
        }
        thumbnail = nil  // a block cut off by the end of the head is incomplete
    }

    private mutating func line(_ raw: ReplyBytes) {
        let line = raw.trimmed()
        // Only comments carry metadata; G-code lines are skipped on their first byte.
        guard line.count > 1, line[0] == UInt8(ascii: ";") else { return }
        let text = line.dropFirst(1).trimmed()
        guard !text.isEmpty else { return }

        if thumbnail != nil {
            if text.hasPrefix("thumbnail", ignoringCase: true), text.contains(ignoringCase: " end") {
                finishThumbnail()
            } else {
                for offset in 0..<text.count { thumbnail?.base64.append(text[offset]) }
            }
            return
        }
        if text.hasPrefix("thumbnail", ignoringCase: true) {
            beginThumbnail(text)
            return
        }
        keyValue(text.string)
    }

    /// `thumbnail begin 16x16 1234`, `thumbnail_JPG begin 300x300 12345`, `thumbnail_QOI begin …`.
    private mutating func beginThumbnail(_ text: ReplyBytes) {
        let words = text.string.split(separator: " ")
        guard words.count >= 3, words[1] == "begin" else { return }
        let format = words[0].hasPrefix("thumbnail_") ? String(words[0].dropFirst(10)).uppercased() : "PNG"
        let size = words[2].split(separator: "x")
        guard size.count == 2, let width = Int(size[0]), let height = Int(size[1]) else { return }
        var base64: [UInt8] = []
        if words.count >= 4, let length = Int(words[3]), length > 0, length < 16 << 20 {
            base64.reserveCapacity(length)
        }
        thumbnail = (width, height, format, base64)
    }

    private mutating func finishThumbnail() {
        guard let block = thumbnail else { return }
        thumbnail = nil
        guard let data = Base64.decode(block.base64), !data.isEmpty else { return }
        thumbnails.append(SlicerMetadata.Thumbnail(width: block.width, height: block.height,
                                                   format: block.format, data: data))
    }

    private mutating func keyValue(_ text: String) {
        if slicer == nil { slicerName(text) }

        // PrusaSlicer, SuperSlicer, OrcaSlicer: `key = value`.
        if let (key, value) = split(text, on: "=") {
            switch key {
            case "estimated printing time (normal mode)":
                if normalModeSeconds == nil { normalModeSeconds = Self.duration(value) }
            case "estimated printing time (silent mode)":
                if silentModeSeconds == nil { silentModeSeconds = Self.duration(value) }
            case "filament used [mm]":
                if millimetres == nil { millimetres = Self.sum(value) }
            case "filament used [g]":
                if grams == nil { grams = Self.sum(value) }
            case "total filament used [g]":
                if totalGrams == nil { totalGrams = Self.sum(value) }
            case "total layers count":
                if layerCount == nil { layerCount = Int(value) }
            case "filament used":
                // Slic3r 1.x: `1234.5mm (3.0cm3)`.
                if slic3rMillimetres == nil, let millimetres = value.split(separator: "m").first {
                    slic3rMillimetres = Double(millimetres.trimmingSpaces())
                }
            default:
                break
            }
            return
        }
        // Cura, OrcaSlicer, BambuStudio: `KEY:value`.
        if let (key, value) = split(text, on: ":") {
            switch key {
            case "TIME", "PRINT.TIME":
                if curaSeconds == nil { curaSeconds = Int(value) ?? Double(value).map { Int($0.rounded()) } }
            case "LAYER_COUNT", "total layer number":
                if layerCount == nil { layerCount = Int(value) }
            case "Filament used":
                // `1.23456m`, or one value per extruder: `1.2m, 0.3m`.
                if curaMetres == nil { curaMetres = Self.sum(value, unit: "m") }
            default:
                break
            }
        }
        // BambuStudio: `model printing time: 1h 2m 3s; total estimated time: 1h 8m 9s`.
        if totalEstimatedSeconds == nil, let marker = text.firstRange(of: "total estimated time:") {
            let value = text[marker.upperBound...].split(separator: ";").first.map(String.init) ?? ""
            totalEstimatedSeconds = Self.duration(value)
        }
    }

    /// `generated by PrusaSlicer 2.6.1+linux-x64-GTK3 on …`, `Generated with Cura_SteamEngine 5.4.0`,
    /// `BambuStudio 01.07.04.52`.
    private mutating func slicerName(_ text: String) {
        let words = text.split(separator: " ")
        guard !words.isEmpty else { return }
        var name: Substring?
        var version: Substring?
        if words.count >= 3, words[0].lowercased() == "generated", words[1] == "by" || words[1] == "with" {
            name = words[2]
            if words.count >= 4, words[3] != "on" { version = words[3] }
        } else if words.count == 2, words[0] == "BambuStudio" {
            (name, version) = (words[0], words[1])
        }
        guard let name else { return }
        slicer = name.hasPrefix("Cura") ? "Cura" : String(name)
        slicerVersion = version.map(String.init)
    }

    private func split(_ text: String, on separator: Character) -> (String, String)? {
        guard let index = text.firstIndex(of: separator) else { return nil }
        let key = String(text[..<index]).trimmingSpaces()
        let value = String(text[text.index(after: index)...]).trimmingSpaces()
        guard !key.isEmpty else { return nil }
        return (key, value)
    }

    /// `1d 2h 3m 4s`, `25m 3s`, `45s`; nil when there is no such word.
    static func duration(_ text: String) -> Int? {
        var total = 0
        var sawUnit = false
        for word in text.split(separator: " ") {
            guard let unit = word.last, let value = Int(word.dropLast()) else { continue }
            switch unit {
            case "d": total += value * 86_400
            case "h": total += value * 3_600
            case "m": total += value * 60
            case "s": total += value
            default: continue
            }
            sawUnit = true
        }
        return sawUnit ? total : nil
    }

    /// Comma-separated numbers (one per extruder), each optionally ending in `unit`, added up.
    static func sum(_ text: String, unit: String = "") -> Double? {
        var total = 0.0
        var sawNumber = false
        for part in text.split(separator: ",") {
            var number = part.trimmingSpaces()
            if !unit.isEmpty, number.hasSuffix(unit) { number.removeLast(unit.count) }
            guard let value = Double(number) else { return nil }
            total += value
            sawNumber = true
        }
        return sawNumber ? total : nil
    }

    func metadata() -> SlicerMetadata {
        SlicerMetadata(
            slicer: slicer,
            slicerVersion: slicerVersion,
            estimatedSeconds: normalModeSeconds ?? curaSeconds ?? totalEstimatedSeconds ?? silentModeSeconds,
            filamentUsedMillimetres: millimetres ?? slic3rMillimetres ?? curaMetres.map { $0 * 1000 },
            filamentUsedGrams: totalGrams ?? grams,
            layerCount: layerCount,
            thumbnails: thumbnails
        )
    }
}

private extension Substring {
    func trimmingSpaces() -> String { String(self).trimmingSpaces() }
}
