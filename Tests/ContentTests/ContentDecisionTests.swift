import Content
import Testing

@Suite struct ContentDecisionTests {
    @Test(arguments: [
        ("bytes 100-999/1000", ContentRange(first: 100, last: 999, total: 1000)),
        ("bytes 0-0/1", ContentRange(first: 0, last: 0, total: 1)),
        ("bytes 5-9/*", ContentRange(first: 5, last: 9, total: nil)),
        ("Bytes 5-9/10", ContentRange(first: 5, last: 9, total: 10)),
        ("bytes 9-5/10", nil),
        ("bytes 5-9/9", nil),
        ("bytes */1000", nil),
        ("items 0-1/2", nil),
        ("bytes -1-5/10", nil),
        ("", nil),
    ] as [(String, ContentRange?)])
    func contentRangeHeaders(header: String, expected: ContentRange?) {
        #expect(ContentRange(header: header) == expected)
    }

    static let url = "https://h/c"

    @Test(arguments: [
        (200, nil, nil, 0, ContentResponseDecision.write(from: 0)),
        (200, nil, nil, 500, .write(from: 0)),
        (206, "bytes 500-999/1000", nil, 500, .write(from: 500)),
        (206, "bytes 500-999/*", nil, 500, .write(from: 500)),
        (206, "bytes 0-999/1000", nil, 500, .restartFromZero("asked for bytes from 500, got from 0")),
        (206, nil, nil, 500, .restartFromZero("a partial answer without a usable Content-Range")),
        (206, "bytes 500-1999/2000", nil, 500, .mismatch("the server now has 2000 bytes, the selection announced 1000")),
        (416, nil, nil, 500, .restartFromZero("the server cannot serve bytes from 500")),
        (302, nil, "https://h/d", 0, .redirect("https://h/d")),
        (307, nil, nil, 0, .fail(.downloadFailed("https://h/c answered HTTP 307 without a Location"))),
        (401, nil, nil, 0, .fail(.tokenRejected(status: 401))),
        (403, nil, nil, 500, .fail(.tokenRejected(status: 403))),
        (404, nil, nil, 0, .fail(.downloadFailed("https://h/c does not exist on the content server (HTTP 404)"))),
        (400, nil, nil, 0, .fail(.downloadFailed("https://h/c answered HTTP 400"))),
        (410, nil, nil, 0, .fail(.downloadFailed("https://h/c answered HTTP 410"))),
        (429, nil, nil, 0, .retry("https://h/c answered HTTP 429")),
        (500, nil, nil, 0, .retry("https://h/c answered HTTP 500")),
        (503, nil, nil, 0, .retry("https://h/c answered HTTP 503")),
        (100, nil, nil, 0, .fail(.downloadFailed("https://h/c answered HTTP 100"))),
    ] as [(Int, String?, String?, Int64, ContentResponseDecision)])
    func contentResponses(status: Int, range: String?, location: String?, from: Int64, expected: ContentResponseDecision) {
        let decision = ContentResponseDecision(status: status, contentRange: range, location: location,
                                               requestedFrom: from, size: 1000, url: Self.url)
        #expect(decision == expected)
    }

    @Test(arguments: [
        (200, SelectionResponseDecision.decode),
        (401, .fail(.tokenRejected(status: 401))),
        (403, .fail(.tokenRejected(status: 403))),
        (404, .fail(.nothingSelected)),
        (400, .fail(.badSelection("https://h/c answered HTTP 400"))),
        (502, .retry("https://h/c answered HTTP 502")),
    ])
    func selectionResponses(status: Int, expected: SelectionResponseDecision) {
        #expect(SelectionResponseDecision(status: status, url: Self.url) == expected)
    }

    @Test(arguments: [
        (nil, 1000, ResumePlan.fresh),
        (0, 1000, .fresh),
        (1, 1000, .resume(from: 1)),
        (999, 1000, .resume(from: 999)),
        (1000, 1000, .verify),
        (1001, 1000, .discard),
        (0, 0, .fresh),
        (5, 0, .discard),
    ] as [(Int64?, Int64, ResumePlan)])
    func resumePlans(part: Int64?, size: Int64, expected: ResumePlan) {
        #expect(ResumePlan(partBytes: part, size: size) == expected)
    }
}
