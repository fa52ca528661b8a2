import Foundation

extension PrintTimeline {
    /// Reads the file's lines once, 1 MB at a time (lines counted as the G-code reader counts them, by `\n`).
    static func read(path: String) -> PrintTimeline {
        var timeline = PrintTimeline()
        guard let file = FileHandle(forReadingAtPath: path) else { return timeline }
        defer { try? file.close() }
        var pending = Data()
        var number = 0
        while let chunk = try? file.read(upToCount: 1 << 20), !chunk.isEmpty {
            pending.append(chunk)
            var start = pending.startIndex
            while let newline = pending[start...].firstIndex(of: 0x0A) {
                number += 1
                let bytes = pending[start..<newline]
                // Only lines that may matter become strings: a comment or an M73.
                if let first = bytes.first(where: { $0 != 0x20 && $0 != 0x09 }), first == UInt8(ascii: ";") || first == UInt8(ascii: "M") {
                    timeline.scan(Substring(String(decoding: bytes, as: UTF8.self)), number: number)
                }
                start = newline + 1
            }
            pending = Data(pending[start...])
        }
        if !pending.isEmpty { timeline.scan(Substring(String(decoding: pending, as: UTF8.self)), number: number + 1) }
        return timeline
    }
}
