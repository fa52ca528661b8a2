#if canImport(Glibc)
import Glibc
#endif

/// Finds the /dev/serial links that lead to a device node by reading the link directories, for
/// when the udev database (and so DEVLINKS) cannot be read but udev made the links.
enum SerialLinkDirectory {
    static func links(to deviceNode: String) -> DeviceLinks {
        DeviceLinks(
            byId: links(in: DeviceLinks.byIdDirectory, resolvingTo: deviceNode),
            byPath: links(in: DeviceLinks.byPathDirectory, resolvingTo: deviceNode)
        )
    }

    /// The entries of `directory` whose resolved path is `target`, as full paths, sorted.
    static func links(in directory: String, resolvingTo target: String) -> [String] {
        guard let stream = opendir(directory) else { return [] }
        defer { closedir(stream) }
        var found: [String] = []
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name == "." || name == ".." { continue }
            let path = directory + "/" + name
            guard let resolved = realpath(path, nil) else { continue }
            defer { free(resolved) }
            if String(cString: resolved) == target {
                found.append(path)
            }
        }
        return found.sorted()
    }
}
