/// How much of a model the agent reads before it gives up: a board has a few hundred MB of memory, and a file
/// from the network may claim anything.
public struct ModelLimits: Sendable, Equatable {
    public var maximumFileBytes: Int
    public var maximumTriangles: Int
    /// The unpacked size of a 3MF's model part: a few KB of zip may claim gigabytes.
    public var maximumInflatedBytes: Int

    public init(maximumFileBytes: Int = 512 << 20, maximumTriangles: Int = 5_000_000,
                maximumInflatedBytes: Int = 512 << 20) {
        self.maximumFileBytes = maximumFileBytes
        self.maximumTriangles = maximumTriangles
        self.maximumInflatedBytes = maximumInflatedBytes
    }

    public static let board = ModelLimits()
}
