import CommandSupport
import Testing

@Suite struct MallocArenasTests {
    @Test func theOperatorsOwnTuningWins() {
        #expect(MallocArenas.operatorTuning(in: [:]) == nil)
        #expect(MallocArenas.operatorTuning(in: ["PATH": "/usr/bin"]) == nil)
        #expect(MallocArenas.operatorTuning(in: ["MALLOC_ARENA_MAX": "4"]) == "MALLOC_ARENA_MAX")
        #expect(MallocArenas.operatorTuning(in: ["GLIBC_TUNABLES": "glibc.malloc.arena_max=2"]) == "GLIBC_TUNABLES")
        #expect(MallocArenas.operatorTuning(in: ["GLIBC_TUNABLES": "glibc.malloc.tcache_count=0"]) == nil)
    }
}
