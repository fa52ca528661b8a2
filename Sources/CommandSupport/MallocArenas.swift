import CMalloc

/// glibc's allocator gives each thread that allocates an arena of its own (up to 8 per core) and keeps what an
/// arena once held: with NIO's event loops, the blocking pool, the concurrency pool and the serial reader each
/// allocating, the daemon kept about 2 MiB more while printing to 10 subscribers than with one arena
/// (`bench footprint`, issue 12). The agent's threads mostly wait on I/O, so one shared arena costs nothing a
/// printer could notice.
public enum MallocArenas {
    /// Limits the allocator to one arena, unless the operator tuned it (`MALLOC_ARENA_MAX`, `GLIBC_TUNABLES`).
    public static func limitToOne(environment: [String: String]) {
        guard operatorTuning(in: environment) == nil else { return }
        _ = mallopt(M_ARENA_MAX, 1)
    }

    /// The variable that already sets the arena count, if any.
    public static func operatorTuning(in environment: [String: String]) -> String? {
        if environment["MALLOC_ARENA_MAX"] != nil { return "MALLOC_ARENA_MAX" }
        if let tunables = environment["GLIBC_TUNABLES"], tunables.contains("glibc.malloc.arena_max") {
            return "GLIBC_TUNABLES"
        }
        return nil
    }
}
