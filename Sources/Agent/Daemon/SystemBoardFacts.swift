import Board
import Endpoint
import Foundation

/// The endpoint's board facts read from this board: adjtimex and the C library's zone for the clock, /proc and
/// the interface list for the attributes.
struct SystemBoardFacts: BoardFacts {
    func clock(now: Date) throws -> BoardClock {
        let clock = try ClockStatus.read(now: now)
        let sync = clock.synchronisation
        return BoardClock(utcOffset: clock.utcOffset, isSynchronised: sync.isSynchronised,
                          maxErrorMicroseconds: sync.maxErrorMicroseconds,
                          estimatedErrorMicroseconds: sync.estimatedErrorMicroseconds)
    }

    func resources(spoolPath: String) throws -> BoardResources {
        let interfaces = try NetworkInterfaces.read()
        let memory = try MemoryInfo.read()
        let storage = try StorageInfo.read(path: spoolPath)
        return BoardResources(
            network: interfaces.filter { !$0.isLoopback }.map { interface in
                BoardResources.Interface(name: interface.name, macAddress: interface.macAddress, isUp: interface.isUp,
                                         addresses: interface.addresses.map(\.cidr))
            },
            memoryTotalBytes: memory.totalBytes, memoryAvailableBytes: memory.availableBytes,
            storagePath: storage.path, storageTotalBytes: storage.totalBytes, storageAvailableBytes: storage.availableBytes)
    }
}
