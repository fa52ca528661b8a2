/// Why the queue's database could not be read or written.
public enum JobStoreError: Error, Equatable, CustomStringConvertible {
    case cannotOpen(path: String, reason: String)
    case failed(String)
    case corrupt(String)

    public var description: String {
        switch self {
        case .cannotOpen(let path, let reason): return "cannot open the print queue database \(path): \(reason)"
        case .failed(let reason): return "the print queue database failed: \(reason)"
        case .corrupt(let reason): return "the print queue database holds something unreadable: \(reason)"
        }
    }
}
