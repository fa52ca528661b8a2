import Testing
@testable import Slicing

/// The parsers against output captured from the Debian 12 slicers (Tests/SlicingTests/Fixtures).
@Suite struct ProgressParserTests {
    private func parse(_ parser: some SlicerProgressParser, _ text: String, standardError: Bool) -> [SlicingProgress] {
        var parser = parser
        var reached: [SlicingProgress] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if let progress = parser.progress(fromLine: line, onStandardError: standardError) { reached.append(progress) }
        }
        return reached
    }

    private func expectMonotonic(_ reached: [SlicingProgress]) {
        for (earlier, later) in zip(reached, reached.dropFirst()) { #expect(earlier.fraction <= later.fraction) }
        #expect(reached.allSatisfy { (0...1).contains($0.fraction) })
    }

    @Test func prusaSlicer() throws {
        let reached = parse(PrusaSlicerProgressParser(), try ModelFixtures.fixture("prusaslicer-2.5-stdout.txt"), standardError: false)
        #expect(reached.map(\.stage) == ["Processing triangulated mesh", "Generating perimeters", "Infilling layers",
                                         "Preparing infill", "Generating skirt and brim", "Exporting G-code", "done"])
        // 70 then 30: the second stays at 0.7.
        #expect(reached.map(\.fraction) == [0.1, 0.2, 0.7, 0.7, 0.88, 0.9, 1])
        expectMonotonic(reached)
        #expect(parse(PrusaSlicerProgressParser(), "10 => Processing", standardError: true).isEmpty)
    }

    @Test func curaEngine() throws {
        let reached = parse(CuraEngineProgressParser(), try ModelFixtures.fixture("curaengine-4.13-stderr.txt"), standardError: true)
        #expect(reached.count > 100)
        expectMonotonic(reached)
        #expect(reached.first?.stage == "slicing the mesh")
        #expect(reached.first.map { abs($0.fraction - 0.018531) < 1e-9 } == true)
        #expect(reached.contains { $0.stage == "walls and skins 50/100" })
        #expect(reached.last == SlicingProgress(fraction: 1, stage: "done"))
    }

    @Test func curaEngineIgnoresOtherLines() {
        var parser = CuraEngineProgressParser()
        for line in ["Progress: slice accomplished in 0.789s", "Progress:slice:1:1 \tabc%", "Print time (s): 1420", "Progress:a:b"] {
            #expect(parser.progress(fromLine: line[...], onStandardError: true) == nil)
        }
        #expect(parser.progress(fromLine: "Progress:export:1:2\t0.5%", onStandardError: false) == nil)
        #expect(parser.progress(fromLine: "Progress:export:1:2\t0.5%", onStandardError: true)?.fraction == 0.5)
        #expect(parser.progress(fromLine: "Progress:export:2:2\t0.4%", onStandardError: true)?.fraction == 0.5)
    }

    @Test func slic3r() throws {
        let reached = parse(PrusaSlicerProgressParser(), try ModelFixtures.fixture("slic3r-1.3-stdout.txt"), standardError: false)
        #expect(reached.first?.stage == "Infilling layers")
        #expect(reached.last == SlicingProgress(fraction: 1, stage: "done"))
        expectMonotonic(reached)
    }
}

/// What a slicer says when the memory limit (RLIMIT_AS) stopped it, as the three Debian slicers said it here.
@Suite struct MemoryLimitWordsTests {
    @Test(arguments: [
        "terminate called after throwing an instance of 'std::bad_alloc'",
        "error while loading shared libraries: libtbb.so.12: failed to map segment from shared object",
        "terminate called after throwing an instance of 'boost::wrapexcept<boost::thread_resource_error>'",
        "terminate called after throwing an instance of 'boost::wrapexcept<boost::lock_error>'",
        "  what():  boost: mutex lock failed in pthread_mutex_lock: Invalid argument",
    ])
    func areTakenForTheLimit(_ line: String) {
        #expect(line.localizedStandardContainsOutOfMemory)
    }

    @Test func aPlainCrashIsNot() {
        #expect(!"Segmentation fault (core dumped)".localizedStandardContainsOutOfMemory)
    }
}
