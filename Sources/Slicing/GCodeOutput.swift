import Foundation
import GCode
import GCodeFiles

/// The slicer's G-code, made the spool's: checked to hold layers, CuraEngine's placeholder header replaced,
/// fsynced at `partPath`.
enum GCodeOutput {
    static func finish(_ outputPath: String, into partPath: String, curaHeader: CuraHeader?, slicer: SlicerKind) throws(SlicingFailure) {
        var status = stat()
        guard stat(outputPath, &status) == 0, status.st_size > 0 else {
            throw .emptyResult(slicer)
        }
        if let metadata = try? SlicerMetadata.read(path: outputPath), metadata.layerCount == 0 {
            throw .emptyResult(slicer)
        }
        if slicer == .curaEngine, let curaHeader {
            try copy(outputPath, to: partPath, replacingHeaderWith: curaHeader)
        } else {
            guard rename(outputPath, partPath) == 0 else { throw .output("cannot move the G-code to \(partPath): \(errnoText())") }
        }
        try fsyncFile(partPath)
    }

    /// The head of the file with the real header, then the rest byte for byte.
    private static func copy(_ source: String, to destination: String, replacingHeaderWith header: CuraHeader) throws(SlicingFailure) {
        guard let input = FileHandle(forReadingAtPath: source) else { throw .output("cannot read \(source)") }
        defer { try? input.close() }
        guard FileManager.default.createFile(atPath: destination, contents: nil),
              let output = FileHandle(forWritingAtPath: destination) else { throw .output("cannot write \(destination)") }
        defer { try? output.close() }
        do {
            let head = try input.read(upToCount: 64 * 1024) ?? Data()
            var lines = head.split(separator: 0x0A, omittingEmptySubsequences: false)
            let headCount = min(CuraHeader.headLines, max(0, lines.count - 1))
            let replaced = header.replacing(in: lines[0..<headCount].map { Substring(String(decoding: $0, as: UTF8.self)) })
            lines.removeFirst(headCount)
            try output.write(contentsOf: Data((replaced.joined(separator: "\n") + "\n").utf8))
            try output.write(contentsOf: Data(lines.joined(separator: [0x0A])))
            while let chunk = try input.read(upToCount: 1 << 20), !chunk.isEmpty {
                try output.write(contentsOf: chunk)
            }
        } catch {
            throw .output("cannot copy the G-code: \(error.localizedDescription)")
        }
    }

    static func fsyncFile(_ path: String) throws(SlicingFailure) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw .output("cannot open \(path): \(errnoText())") }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw .output("cannot fsync \(path): \(errnoText())") }
    }
}
