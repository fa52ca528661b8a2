import Agent
import ArgumentParser
import Benchmarks
import Demo
#if canImport(Glibc)
import Glibc
#endif

@main
struct AgentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "3dp-agent",
        abstract: "The printer-side agent of DWAPI-3DP: drives a 3D printer over USB serial.",
        // `3dp-agent --version`: board/package.sh names the package after it.
        version: AgentDaemon.version,
        subcommands: [DemoCommand.self, RunCommand.self, PairCommand.self, ClientCommand.self, PrintCommand.self, SimulateCommand.self, DevicesCommand.self, SliceCommand.self, BenchCommand.self]
    )

    static func main() async {
        keepFreedHeapMapped()
        await main(nil)
    }

    /// glibc gives the top of a heap back to the kernel as soon as 128 KiB of it is free, and the next receive
    /// buffer faults it in again: a download's buffers come and go at that edge, ~40 000 page faults per GiB and
    /// 0.2 CPU-s on a two-core board. Up to 8 MiB of free heap is kept mapped instead (the agent's own memory
    /// stays far below its 40 MB bound).
    private static func keepFreedHeapMapped() {
        #if canImport(Glibc)
        // malloc.h is not part of Swift's Glibc module: mallopt is looked up, with its constant from that header.
        let trimThreshold: Int32 = -1  // M_TRIM_THRESHOLD
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        guard let process = dlopen(nil, RTLD_NOW), let symbol = dlsym(process, "mallopt") else { return }
        _ = unsafeBitCast(symbol, to: Mallopt.self)(trimThreshold, 8 << 20)
        #endif
    }
}
