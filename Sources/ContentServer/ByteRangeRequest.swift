import Foundation

/// What a `Range` header asks of a file of a known size (RFC 9110 §14.1.2): the whole file, one byte range, or a
/// range that lies past the end. Only one range is served; a header this server cannot honour exactly (another unit,
/// several ranges, bad syntax) is ignored, as the RFC allows, and the whole file is sent.
public enum ByteRangeRequest: Equatable, Sendable {
    case whole
    /// Absolute, inclusive file offsets, always inside the file.
    case part(ClosedRange<Int64>)
    /// Answered with `416` and `Content-Range: bytes */size`.
    case unsatisfiable

    public static func parse(_ header: String?, size: Int64) -> ByteRangeRequest {
        guard let header else { return .whole }
        let trimmed = header.trimmingCharacters(in: .whitespaces)
        guard trimmed.lowercased().hasPrefix("bytes=") else { return .whole }
        let spec = trimmed.dropFirst("bytes=".count).trimmingCharacters(in: .whitespaces)
        guard !spec.contains(","), let dash = spec.firstIndex(of: "-") else { return .whole }
        let first = spec[..<dash].trimmingCharacters(in: .whitespaces)
        let last = spec[spec.index(after: dash)...].trimmingCharacters(in: .whitespaces)
        switch (offset(first), offset(last)) {
        case (nil, nil):
            return .whole
        case (nil, let suffix?) where first.isEmpty:
            // `bytes=-N`: the last N bytes.
            guard suffix > 0, size > 0 else { return .unsatisfiable }
            return .part(max(0, size - suffix)...(size - 1))
        case (let start?, nil) where last.isEmpty:
            guard start < size else { return .unsatisfiable }
            return .part(start...(size - 1))
        case (let start?, let end?):
            guard end >= start else { return .whole }
            guard start < size else { return .unsatisfiable }
            return .part(start...min(end, size - 1))
        default:
            return .whole
        }
    }

    /// Digits only: `+5`, `-5` or `0x10` are not offsets. A number too large for Int64 is past any file's end.
    private static func offset(_ text: String) -> Int64? {
        guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { return nil }
        return Int64(text) ?? Int64.max
    }
}
