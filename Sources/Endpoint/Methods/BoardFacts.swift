import CivilTime
import Foundation

/// What `agent.time` and `printer.attributes` say about the board the agent runs on. The endpoint does not read
/// the board itself (it would link libudev and /proc readers into the server): `Agent` hands it the real board,
/// and a test can hand it fixed facts.
public protocol BoardFacts: Sendable {
    /// The clock as `agent.time` reports it; throws when the kernel cannot be asked.
    func clock(now: Date) throws -> BoardClock
    /// The network interfaces (loopback left out), the memory, and the file system holding `spoolPath`.
    func resources(spoolPath: String) throws -> BoardResources
}

/// The local UTC offset and whether the kernel considers the clock disciplined (HD-HLF-03..06).
public struct BoardClock: Sendable, Equatable {
    public var utcOffset: UTCOffset
    public var isSynchronised: Bool
    public var maxErrorMicroseconds: Int
    public var estimatedErrorMicroseconds: Int

    public init(utcOffset: UTCOffset, isSynchronised: Bool, maxErrorMicroseconds: Int, estimatedErrorMicroseconds: Int) {
        self.utcOffset = utcOffset
        self.isSynchronised = isSynchronised
        self.maxErrorMicroseconds = maxErrorMicroseconds
        self.estimatedErrorMicroseconds = estimatedErrorMicroseconds
    }
}

/// The board's share of `printer.attributes` (3D-HSF-01.2), in the units the answer carries.
public struct BoardResources: Sendable, Equatable {
    public struct Interface: Sendable, Equatable {
        public var name: String
        public var macAddress: String?
        public var isUp: Bool
        /// Each as `address/prefix`.
        public var addresses: [String]

        public init(name: String, macAddress: String?, isUp: Bool, addresses: [String]) {
            self.name = name
            self.macAddress = macAddress
            self.isUp = isUp
            self.addresses = addresses
        }
    }

    public var network: [Interface]
    public var memoryTotalBytes: UInt64
    public var memoryAvailableBytes: UInt64
    public var storagePath: String
    public var storageTotalBytes: UInt64
    public var storageAvailableBytes: UInt64

    public init(network: [Interface], memoryTotalBytes: UInt64, memoryAvailableBytes: UInt64, storagePath: String,
                storageTotalBytes: UInt64, storageAvailableBytes: UInt64) {
        self.network = network
        self.memoryTotalBytes = memoryTotalBytes
        self.memoryAvailableBytes = memoryAvailableBytes
        self.storagePath = storagePath
        self.storageTotalBytes = storageTotalBytes
        self.storageAvailableBytes = storageAvailableBytes
    }
}
