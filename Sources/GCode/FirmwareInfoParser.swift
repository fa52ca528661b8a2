/// The M115 answer: `FIRMWARE_NAME:Marlin 2.1.2.1 (Sep 13 2023 15:43:22) SOURCE_CODE_URL:github.com/… UUID:…`,
/// and the `Cap:NAME:0|1` lines that follow it.
enum FirmwareInfoParser {
    /// Splits on `KEY:` markers: two or more of `A–Z` and `_`, at the start or after a space, then `:`.
    /// Values keep their spaces, parentheses and lower-case colons (`https://…`); RepRapFirmware puts a
    /// space after each colon, which trimming removes.
    static func parse(_ line: ReplyBytes) -> FirmwareInfo {
        var markers: [(keyStart: Int, colon: Int)] = []
        var offset = 0
        while offset < line.count {
            let atWordStart = offset == 0 || line[offset - 1] == UInt8(ascii: " ")
            if atWordStart {
                var end = offset
                while end < line.count, ReplyBytes.isUpper(line[end]) || line[end] == UInt8(ascii: "_") { end += 1 }
                if end - offset >= 2, end < line.count, line[end] == UInt8(ascii: ":") {
                    markers.append((offset, end))
                    offset = end + 1
                    continue
                }
            }
            offset += 1
        }
        var fields: [(key: String, value: String)] = []
        fields.reserveCapacity(markers.count)
        for (index, marker) in markers.enumerated() {
            let valueEnd = index + 1 < markers.count ? markers[index + 1].keyStart : line.count
            let key = line.slice(marker.keyStart, marker.colon).string
            let value = line.slice(marker.colon + 1, valueEnd).trimmed().string
            fields.append((key, value))
        }
        return FirmwareInfo(fields: fields)
    }

    /// `Cap:AUTOREPORT_TEMP:1` → ("AUTOREPORT_TEMP", true); nil when the line is not of that shape.
    static func capability(_ line: ReplyBytes) -> FirmwareReply? {
        let rest = line.dropFirst(4)
        var lastColon: Int?
        var offset = rest.count - 1
        while offset > 0 {
            if rest[offset] == UInt8(ascii: ":") { lastColon = offset; break }
            offset -= 1
        }
        guard let colon = lastColon else { return nil }
        let name = rest.prefix(colon).trimmed()
        let value = rest.dropFirst(colon + 1).trimmed()
        guard !name.isEmpty else { return nil }
        switch value.integer {
        case 0?: return .capability(name: name.string, enabled: false)
        case 1?: return .capability(name: name.string, enabled: true)
        default: return nil
        }
    }
}
