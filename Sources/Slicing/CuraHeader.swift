/// CuraEngine writes its G-code before it knows the totals, so the file's header holds placeholders
/// (`;TIME:6666`, `;Filament used: 0m`, `;MINX:2.14748e+06` …); with `-v` it prints the real header on standard
/// error between `Gcode header after slicing:` and `End of gcode header.`. The agent puts the real one in the
/// file, so that the agent and any other host read the true time.
public struct CuraHeader: Sendable, Equatable {
    /// The real header's lines, `;FLAVOR:Marlin` … `;MAXZ:30`.
    public var lines: [String]

    /// Collects the header from CuraEngine's standard error, line by line.
    public struct Collector: Sendable {
        private var inside = false
        private var lines: [String] = []
        public private(set) var header: CuraHeader?

        public init() {}

        public mutating func consume(_ line: Substring) {
            if line.hasPrefix("Gcode header after slicing:") {
                inside = true
                lines = []
            } else if line.hasPrefix("End of gcode header.") {
                if inside, !lines.isEmpty { header = CuraHeader(lines: lines) }
                inside = false
            } else if inside, line.hasPrefix(";"), lines.count < 64 {
                lines.append(String(line))
            }
        }
    }

    public init(lines: [String]) {
        self.lines = lines
    }

    /// The file's first lines with the placeholder header replaced: the lines of the file's header whose key the
    /// real header has are dropped and the real header takes the place of the first of them. Lines the real header
    /// lacks stay.
    public func replacing(in fileHead: [Substring]) -> [String] {
        let keys = Set(lines.map(Self.key))
        var result: [String] = []
        var inserted = false
        for line in fileHead {
            if line.hasPrefix(";"), keys.contains(Self.key(line)) {
                if !inserted {
                    result += lines
                    inserted = true
                }
            } else {
                result.append(String(line))
            }
        }
        return result
    }

    /// `;TIME:1420` → `;TIME`; `;Filament used: 1.9m` → `;Filament used`.
    static func key<S: StringProtocol>(_ line: S) -> String {
        guard let colon = line.firstIndex(of: ":") else { return String(line) }
        return String(line[..<colon])
    }

    /// How many lines from the top of a CuraEngine file the header may take: it ends before the first command.
    public static let headLines = 32
}
