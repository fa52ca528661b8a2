/// Job ids: short enough to type into `3dp-agent client stop`, random so that they never repeat across restarts.
public enum PrintJobID {
    public static func make() -> String {
        var generator = SystemRandomNumberGenerator()
        let value = generator.next() & 0xFFFF_FFFF_FFFF
        let hex = String(value, radix: 16)
        return "job-" + String(repeating: "0", count: 12 - hex.count) + hex
    }
}
