/// The /dev symlinks udev made for a tty, from its DEVLINKS property.
struct DeviceLinks: Equatable {
    var byId: [String] = []
    var byPath: [String] = []

    static let byIdDirectory = "/dev/serial/by-id"
    static let byPathDirectory = "/dev/serial/by-path"

    /// Splits DEVLINKS (space-separated absolute paths) into the by-id and by-path serial links;
    /// other links (e.g. /dev/3dprinter/…, /dev/gps0) are not kept.
    init(devlinks: String) {
        for link in devlinks.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" }) {
            if link.hasPrefix(Self.byIdDirectory + "/") {
                byId.append(String(link))
            } else if link.hasPrefix(Self.byPathDirectory + "/") {
                byPath.append(String(link))
            }
        }
        byId.sort()
        byPath.sort()
    }

    init(byId: [String], byPath: [String]) {
        self.byId = byId.sorted()
        self.byPath = byPath.sorted()
    }
}

/// Text as udev stores it in ID_VENDOR_ENC / ID_MODEL_ENC: bytes outside plain ASCII and spaces are
/// written as \xNN.
enum UdevText {
    static func decode(_ encoded: String) -> String {
        var bytes: [UInt8] = []
        var input = Array(encoded.utf8)[...]
        while let byte = input.first {
            if byte == UInt8(ascii: "\\"), input.count >= 4,
               input[input.startIndex + 1] == UInt8(ascii: "x"),
               let high = hexValue(input[input.startIndex + 2]),
               let low = hexValue(input[input.startIndex + 3]) {
                bytes.append(high << 4 | low)
                input = input.dropFirst(4)
            } else {
                bytes.append(byte)
                input = input.dropFirst()
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Trims the padding USB strings often carry; an empty string means "not given".
    static func meaningful(_ text: String?) -> String? {
        guard let text else { return nil }
        let trimmed = text.trimmingASCIIWhitespace()
        return trimmed.isEmpty ? nil : trimmed
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}

extension String {
    func trimmingASCIIWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[first...last])
    }
}
