import Testing
@testable import Jobs

@Suite struct PrintTimelineTests {
    private func timeline(_ text: String) -> PrintTimeline {
        var timeline = PrintTimeline()
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            timeline.scan(line, number: index + 1)
        }
        return timeline
    }

    @Test func prusaSlicerLayersAndM73() {
        let found = timeline("M73 P0 R25\nM73 Q0 S26\nG28\n;LAYER_CHANGE\n;Z:0.2\nG1 Z.2\nM73 P4 R24 ; comment\nG1 X1\n;LAYER_CHANGE\nG1 Z.4\nM73 P50 R12\n")
        #expect(found.layerStarts == [4, 9])
        #expect(found.layer(atFileLine: 3) == nil)
        #expect(found.layer(atFileLine: 4) == 1)
        #expect(found.layer(atFileLine: 8) == 1)
        #expect(found.layer(atFileLine: 10) == 2)
        #expect(found.remainingSeconds(atFileLine: 1) == 1500)
        #expect(found.remainingSeconds(atFileLine: 6) == 1500, "the silent mode's Q/S is not taken")
        #expect(found.remainingSeconds(atFileLine: 7) == 1440)
        #expect(found.remainingSeconds(atFileLine: 100) == 720)
    }

    @Test func curaLayers() {
        let found = timeline(";FLAVOR:Marlin\n;LAYER_COUNT:2\n;LAYER:0\nG1 X1\n;LAYER:1\nG1 X2\n")
        #expect(found.layerCount == 2)
        #expect(found.layer(atFileLine: 6) == 2)
        #expect(found.remainingSeconds(atFileLine: 6) == nil)
    }
}
