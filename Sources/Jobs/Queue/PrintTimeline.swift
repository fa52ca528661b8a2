/// Where in its G-code file a print is, in the words a person uses: which layer, how long still to go. Built once
/// from the file's lines when the job becomes ready; looked up by the file line the printer last confirmed.
public struct PrintTimeline: Sendable, Equatable {
    /// The file line where each layer begins (`;LAYER_CHANGE` from PrusaSlicer and Slic3r with comments,
    /// `;LAYER:n` from Cura), in file order.
    public private(set) var layerStarts: [Int] = []
    /// `M73 … R<minutes>` (PrusaSlicer's remaining time, normal mode) and the file line it is on.
    public private(set) var remainingMarks: [(line: Int, seconds: Int)] = []

    public init() {}

    /// One raw line of the file (comment included), numbered from 1.
    public mutating func scan(_ line: Substring, number: Int) {
        let text = line.drop { $0 == " " || $0 == "\t" }
        if text.hasPrefix(";LAYER_CHANGE") || text.hasPrefix(";LAYER:") {
            layerStarts.append(number)
        } else if text.hasPrefix("M73 ") || text.hasPrefix("M73\t") {
            // `M73 P12 R34`; `M73 Q12 S34` is the silent mode's, left out.
            let words = text.prefix { $0 != ";" }.split(whereSeparator: { $0 == " " || $0 == "\t" })
            if words.contains(where: { $0.hasPrefix("P") }),
               let minutes = words.first(where: { $0.hasPrefix("R") }).flatMap({ Int($0.dropFirst()) }), minutes >= 0 {
                remainingMarks.append((number, minutes * 60))
            }
        }
    }

    /// The layer (from 1) that the line is in; nil before the first layer or when the file marks none.
    public func layer(atFileLine line: Int) -> Int? {
        let count = Self.countAtOrBefore(line, in: layerStarts.lazy.map { $0 })
        return count == 0 ? nil : count
    }

    public func remainingSeconds(atFileLine line: Int) -> Int? {
        let count = Self.countAtOrBefore(line, in: remainingMarks.lazy.map(\.line))
        return count == 0 ? nil : remainingMarks[count - 1].seconds
    }

    public var layerCount: Int { layerStarts.count }

    private static func countAtOrBefore<C: RandomAccessCollection>(_ line: Int, in lines: C) -> Int where C.Element == Int, C.Index == Int {
        var low = lines.startIndex, high = lines.endIndex
        while low < high {
            let middle = (low + high) / 2
            if lines[middle] <= line { low = middle + 1 } else { high = middle }
        }
        return low - lines.startIndex
    }

    public static func == (lhs: PrintTimeline, rhs: PrintTimeline) -> Bool {
        lhs.layerStarts == rhs.layerStarts && lhs.remainingMarks.map(\.line) == rhs.remainingMarks.map(\.line)
            && lhs.remainingMarks.map(\.seconds) == rhs.remainingMarks.map(\.seconds)
    }
}
