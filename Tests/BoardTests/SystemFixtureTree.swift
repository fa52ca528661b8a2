import Foundation

/// A directory of files standing in for /, /proc or /sys in reader tests; removed by the test.
struct SystemFixtureTree {
    let path: String

    init(files: [String: [UInt8]]) throws {
        path = NSTemporaryDirectory() + "board-system-" + UUID().uuidString
        for (relative, bytes) in files {
            let file = path + "/" + relative
            try FileManager.default.createDirectory(
                atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            guard FileManager.default.createFile(atPath: file, contents: Data(bytes)) else {
                throw CocoaError(.fileWriteUnknown)
            }
        }
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    init(texts: [String: String]) throws {
        try self.init(files: texts.mapValues { Array($0.utf8) })
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}
