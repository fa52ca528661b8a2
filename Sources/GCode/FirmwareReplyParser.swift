extension FirmwareReply {
    /// Classifies one line from the firmware, its line ending already removed.
    /// The plain `ok` is by far the most frequent line while printing, so it is recognised on the bytes
    /// before any string is made.
    public static func parse<Bytes: Collection>(_ line: Bytes) -> FirmwareReply where Bytes.Element == UInt8 {
        // Placeholder until the full parser lands; only the fast path is here.
        if line.elementsEqual("ok".utf8) { return .ok(.plain) }
        return .console(String(decoding: line, as: UTF8.self))
    }
}
