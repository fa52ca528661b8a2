import GCode

/// A PrusaSlicer or Slic3r configuration: `key = value` lines, `#` comments. Kept in order, so that a filled
/// profile reads like the one it came from.
public struct IniProfile: Sendable, Equatable {
    public private(set) var entries: [(key: String, value: String)] = []

    public init(text: String) throws(SlicingFailure) {
        for (number, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.trimmingSpaces
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            guard let equals = line.firstIndex(of: "=") else {
                throw .profile("line \(number + 1) is not `key = value`: \(line.prefix(60))")
            }
            let key = String(line[..<equals].trimmingSpaces)
            guard !key.isEmpty else { throw .profile("line \(number + 1) has no key") }
            self[key] = String(line[line.index(after: equals)...].trimmingSpaces)
        }
    }

    public subscript(key: String) -> String? {
        get { entries.first { $0.key == key }?.value }
        set {
            if let index = entries.firstIndex(where: { $0.key == key }) {
                if let newValue { entries[index].value = newValue } else { entries.remove(at: index) }
            } else if let newValue {
                entries.append((key, newValue))
            }
        }
    }

    /// The other profile's keys win.
    public mutating func overlay(_ other: IniProfile) {
        for (key, value) in other.entries { self[key] = value }
    }

    public var text: String { entries.map { "\($0.key) = \($0.value)\n" }.joined() }

    /// `0x0,200x0,200x200,0x200`: a rectangular bed from the origin.
    public static func bedShape(_ volume: PrintableVolume) -> String {
        let x = Millimetres3.text(volume.size.x), y = Millimetres3.text(volume.size.y)
        return "0x0,\(x)x0,\(x)x\(y),0x\(y)"
    }

    public static func == (lhs: IniProfile, rhs: IniProfile) -> Bool {
        lhs.entries.map(\.key) == rhs.entries.map(\.key) && lhs.entries.map(\.value) == rhs.entries.map(\.value)
    }
}
