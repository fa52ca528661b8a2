import Content
import ContentContract
import Testing

@Suite struct ContentMediaTypeTests {
    @Test(arguments: [
        ("text/x.gcode", "part.bin", ContentMediaType.gcode),
        ("text/x-gcode; charset=utf-8", "part", .gcode),
        ("model/stl", "part", .model(.stl)),
        ("model/3mf", "part", .model(.threeMF)),
        ("model/obj", "part", .model(.obj)),
        ("application/octet-stream", "Benchy.GCODE", .gcode),
        ("application/octet-stream", "bracket.stl", .model(.stl)),
        ("", "bracket.3mf", .model(.threeMF)),
        ("application/octet-stream", "notes.txt", .unsupported("application/octet-stream")),
        ("image/png", "picture.gcode", .unsupported("image/png")),
    ])
    func kindFromTypeThenName(mediaType: String, name: String, expected: ContentMediaType) {
        #expect(ContentMediaType(mediaType: mediaType, name: name) == expected)
    }

    @Test(arguments: [("a.gcode", "text/x.gcode"), ("a.STL", "model/stl"), ("a.3mf", "model/3mf"),
                      ("a.obj", "model/obj"), ("a.zip", "application/octet-stream"), ("README", "application/octet-stream")])
    func servedTypeOfAFile(name: String, expected: String) {
        #expect(ContentMediaType.of(fileName: name) == expected)
    }

    @Test func aServedTypeReadsBackAsTheSameKind() {
        for name in ["a.gcode", "a.stl", "a.3mf", "a.obj"] {
            #expect(ContentMediaType(mediaType: ContentMediaType.of(fileName: name), name: "x")
                    == ContentMediaType(mediaType: "", name: name))
        }
    }
}
