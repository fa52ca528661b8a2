/// Reads the keys of one section of the configuration, checking their types and ranges, and words every
/// complaint with the section's name and the key's place in the file.
struct SectionReader {
    let table: TOMLTable
    /// How messages name the section: "[events]", "[[printer]] 2".
    let context: String
    let source: String

    /// Refuses the section when it has a key not in `knownKeys`, suggesting the closest known one.
    init(table: TOMLTable, context: String, source: String, knownKeys: [String]) throws(ConfigurationError) {
        self.table = table
        self.context = context
        self.source = source
        for entry in table.entries where !knownKeys.contains(entry.key) {
            var message = "unknown key '\(entry.key)' in \(context)"
            if let suggestion = KeySuggestion.closest(to: entry.key, among: knownKeys) {
                message += "; did you mean '\(suggestion)'?"
            }
            throw ConfigurationError(
                source: source, line: entry.keyPosition.line, column: entry.keyPosition.column, message: message)
        }
    }

    func string(_ key: String) throws(ConfigurationError) -> String? {
        guard let entry = table[key] else { return nil }
        guard case .string(let text) = entry.value else { throw wrongType(entry, expected: "a string") }
        return text
    }

    /// A string that must not be empty or only spaces.
    func text(_ key: String) throws(ConfigurationError) -> String? {
        guard let text = try string(key) else { return nil }
        guard text.contains(where: { !$0.isWhitespace }) else {
            throw problem(table[key]!, "'\(key)' in \(context) must not be empty")
        }
        return text
    }

    /// An absolute path: the agent runs from / under systemd, so a relative one would not mean what it seems.
    func absolutePath(_ key: String, example: String) throws(ConfigurationError) -> String? {
        guard let path = try string(key) else { return nil }
        guard path.hasPrefix("/") else {
            throw problem(table[key]!, "'\(key)' in \(context) must be an absolute path such as \(example), not '\(path)'")
        }
        return path
    }

    func boolean(_ key: String) throws(ConfigurationError) -> Bool? {
        guard let entry = table[key] else { return nil }
        guard case .boolean(let value) = entry.value else { throw wrongType(entry, expected: "true or false") }
        return value
    }

    func integer(_ key: String, in range: ClosedRange<Int>) throws(ConfigurationError) -> Int? {
        guard let entry = table[key] else { return nil }
        guard case .integer(let value) = entry.value else { throw wrongType(entry, expected: "an integer") }
        guard let small = Int(exactly: value), range.contains(small) else {
            throw problem(
                entry,
                "'\(key)' in \(context) must be \(range.lowerBound.grouped)…\(range.upperBound.grouped), not \(value)")
        }
        return small
    }

    /// A time in seconds, integer or float, within `range`; `aboveZero` makes zero itself invalid.
    func seconds(_ key: String, in range: ClosedRange<Double>, aboveZero: Bool = false) throws(ConfigurationError)
        -> Duration?
    {
        guard let entry = table[key] else { return nil }
        guard let value = Self.number(entry.value) else { throw wrongType(entry, expected: "a number of seconds") }
        guard range.contains(value), !(aboveZero && value <= 0) else {
            let allowed = aboveZero
                ? "more than 0 and at most \(range.upperBound.plain) seconds"
                : "\(range.lowerBound.plain)…\(range.upperBound.plain) seconds"
            throw problem(entry, "'\(key)' in \(context) must be \(allowed), not \(value.plain)")
        }
        return .seconds(value)
    }

    /// An array of strings.
    func strings(_ key: String, expected: String) throws(ConfigurationError) -> [String]? {
        guard let entry = table[key] else { return nil }
        guard case .array(let elements) = entry.value else { throw wrongType(entry, expected: expected) }
        var values: [String] = []
        for element in elements {
            guard case .string(let value) = element else {
                throw problem(entry, "'\(key)' in \(context) must be \(expected); it holds \(element.kindName)")
            }
            values.append(value)
        }
        return values
    }

    /// An array of numbers, integers or floats.
    func numbers(_ key: String, expected: String) throws(ConfigurationError) -> [Double]? {
        guard let entry = table[key] else { return nil }
        guard case .array(let elements) = entry.value else { throw wrongType(entry, expected: expected) }
        var values: [Double] = []
        for element in elements {
            guard let value = Self.number(element) else {
                throw problem(entry, "'\(key)' in \(context) must be \(expected); it holds \(element.kindName)")
            }
            values.append(value)
        }
        return values
    }

    func problem(_ entry: TOMLEntry, _ message: String) -> ConfigurationError {
        ConfigurationError(
            source: source, line: entry.valuePosition.line, column: entry.valuePosition.column, message: message)
    }

    /// A complaint about the section as a whole, such as a missing key, placed at its header.
    func problem(_ message: String) -> ConfigurationError {
        ConfigurationError(source: source, line: table.position.line, message: message)
    }

    private func wrongType(_ entry: TOMLEntry, expected: String) -> ConfigurationError {
        problem(entry, "'\(entry.key)' in \(context) must be \(expected), not \(entry.value.kindName)")
    }

    private static func number(_ value: TOMLValue) -> Double? {
        switch value {
        case .integer(let integer): Double(integer)
        case .float(let float): float
        default: nil
        }
    }
}

extension Int {
    /// 65536 as "65536", 4000000 as "4_000_000": the way a TOML file may write it.
    fileprivate var grouped: String {
        guard self >= 100_000 else { return String(self) }
        var digits = Array(String(self))
        var groups: [String] = []
        while digits.count > 3 {
            groups.insert(String(digits.suffix(3)), at: 0)
            digits.removeLast(3)
        }
        groups.insert(String(digits), at: 0)
        return groups.joined(separator: "_")
    }
}

extension Double {
    /// 60.0 as "60", 0.05 as "0.05".
    fileprivate var plain: String {
        self == rounded() && abs(self) < 1e15 ? String(Int64(self)) : String(self)
    }
}
