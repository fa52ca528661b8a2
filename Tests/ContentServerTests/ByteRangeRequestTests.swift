import Testing
@testable import ContentServer

struct ByteRangeRequestTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var header: String?
        var size: Int64
        var expected: ByteRangeRequest
        var testDescription: String { "\(header ?? "nil") of \(size)" }
    }

    static let cases: [Case] = [
        Case(header: nil, size: 100, expected: .whole),
        Case(header: "bytes=0-", size: 100, expected: .part(0...99)),
        Case(header: "bytes=10-", size: 100, expected: .part(10...99)),
        Case(header: "bytes=99-", size: 100, expected: .part(99...99)),
        Case(header: "bytes=100-", size: 100, expected: .unsatisfiable),
        Case(header: "bytes=10-19", size: 100, expected: .part(10...19)),
        Case(header: "bytes=10-1000", size: 100, expected: .part(10...99)),
        Case(header: "bytes=0-0", size: 100, expected: .part(0...0)),
        Case(header: "bytes=100-200", size: 100, expected: .unsatisfiable),
        Case(header: "bytes=-10", size: 100, expected: .part(90...99)),
        Case(header: "bytes=-1000", size: 100, expected: .part(0...99)),
        Case(header: "bytes=-0", size: 100, expected: .unsatisfiable),
        Case(header: "bytes=-5", size: 0, expected: .unsatisfiable),
        Case(header: "bytes=0-", size: 0, expected: .unsatisfiable),
        Case(header: "Bytes= 5-9 ", size: 100, expected: .part(5...9)),
        Case(header: "bytes=99999999999999999999-", size: 100, expected: .unsatisfiable),
        Case(header: "bytes=20-10", size: 100, expected: .whole),
        Case(header: "bytes=0-1,5-6", size: 100, expected: .whole),
        Case(header: "bytes=-", size: 100, expected: .whole),
        Case(header: "bytes=a-b", size: 100, expected: .whole),
        Case(header: "bytes=+1-2", size: 100, expected: .whole),
        Case(header: "items=0-1", size: 100, expected: .whole),
        Case(header: "", size: 100, expected: .whole),
    ]

    @Test(arguments: cases)
    func parses(_ testCase: Case) {
        #expect(ByteRangeRequest.parse(testCase.header, size: testCase.size) == testCase.expected)
    }
}
