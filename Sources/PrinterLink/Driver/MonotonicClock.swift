#if canImport(Glibc)
import Glibc
#endif

/// Monotonic nanoseconds and the process's CPU time, as plain integers for the benchmarks' rates. (The host
/// protocol's own time is `ContinuousClock`.)
public enum MonotonicClock {
    @inline(__always)
    public static func now() -> UInt64 {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return UInt64(spec.tv_sec) &* 1_000_000_000 &+ UInt64(spec.tv_nsec)
    }

    /// CPU time this process has used, user and system, in nanoseconds: what the benchmarks report per line.
    public static func processCPUTime() -> UInt64 {
        var spec = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &spec)
        return UInt64(spec.tv_sec) &* 1_000_000_000 &+ UInt64(spec.tv_nsec)
    }
}
