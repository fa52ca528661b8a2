extension TemperatureReport {
    /// The report as Marlin writes it (`T:209.9 /210.0 B:60.0 /60.0`), for a console that shows what M105 answered.
    public var consoleText: String {
        var parts: [String] = []
        let single = hotends.count == 1 && hotends[0] != nil
        for index in hotends.keys.sorted() {
            parts.append((single ? "T:" : "T\(index):") + Self.text(hotends[index]!))
        }
        if let bed { parts.append("B:" + Self.text(bed)) }
        if let chamber { parts.append("C:" + Self.text(chamber)) }
        for label in other.keys.sorted() { parts.append("\(label):" + Self.text(other[label]!)) }
        return parts.joined(separator: " ")
    }

    private static func text(_ reading: Reading) -> String {
        let actual = (reading.actual * 10).rounded() / 10
        guard let target = reading.target else { return "\(actual)" }
        return "\(actual) /\((target * 10).rounded() / 10)"
    }
}
