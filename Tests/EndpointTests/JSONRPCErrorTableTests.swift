import Endpoint
import Foundation
import Testing
@testable import ThreeDPProtocol

@Suite("3DP-1 error table")
struct JSONRPCErrorTableTests {
    /// Every constructor by the table's name for it, so a row without a constructor (or the reverse) fails.
    static let constructors: [String: JSONRPCError] = [
        "parseError": .parseError("x"), "invalidRequest": .invalidRequest("x"), "methodNotFound": .methodNotFound("x"),
        "invalidParams": .invalidParams("x"), "internalError": .internalError("x"),
        "fatal": .fatal(), "invalidParameter": .invalidParameter(), "invalidOperation": .invalidOperation(),
        "noService": .noService(), "operationInProgress": .operationInProgress(), "notSupported": .notSupported(),
        "dataNotPresent": .dataNotPresent(), "privilegeNotGranted": .privilegeNotGranted(),
        "authenticationFailed": .authenticationFailed(), "authenticationDenied": .authenticationDenied(),
        "malformedSecurityRequest": .malformedSecurityRequest(),
        "printerNotConnected": .printerNotConnected(), "printerHalted": .printerHalted(),
        "printerCommandRejected": .printerCommandRejected(), "printerTimeout": .printerTimeout(),
        "contentServerNotTrusted": .contentServerNotTrusted(), "contentTokenRejected": .contentTokenRejected(),
        "contentNotSelected": .contentNotSelected(), "contentDownloadFailed": .contentDownloadFailed(),
        "contentIntegrityFailed": .contentIntegrityFailed(), "contentTypeNotPrintable": .contentTypeNotPrintable(),
        "spoolFull": .spoolFull(), "slicerUnavailable": .slicerUnavailable(), "slicingFailed": .slicingFailed(),
        "jobNotFound": .jobNotFound(), "queueFull": .queueFull(), "pairingLocked": .pairingLocked(),
        "pairingExpired": .pairingExpired(), "clientTooSlow": .clientTooSlow(),
    ]

    @Test func codesAndNamesAreUnique() {
        #expect(Set(JSONRPCError.table.map(\.code)).count == JSONRPCError.table.count)
        #expect(Set(JSONRPCError.table.map(\.name)).count == JSONRPCError.table.count)
    }

    @Test func everyRowHasAConstructorAndEveryConstructorARow() {
        #expect(Set(Self.constructors.keys) == Set(JSONRPCError.table.map(\.name)))
        for row in JSONRPCError.table {
            let error = Self.constructors[row.name]
            #expect(error?.code == row.code, "\(row.name)")
            #expect(JSONRPCError.name(of: row.code) == row.name)
            // The DWAPI and 3DP codes carry the table's text as their message (seed 002 §5.2.1.2).
            if row.code > 0 { #expect(error?.message == row.meaning, "\(row.name)") }
        }
    }

    @Test func theCodesTheContractNames() {
        let expected: [String: Int] = [
            "parseError": -32700, "invalidRequest": -32600, "methodNotFound": -32601, "invalidParams": -32602,
            "internalError": -32603, "fatal": 1, "invalidParameter": 2, "invalidOperation": 4, "noService": 5,
            "operationInProgress": 6, "notSupported": 7, "dataNotPresent": 11, "privilegeNotGranted": 0xF000_0001,
            "authenticationFailed": 0xF000_0002, "authenticationDenied": 0xF000_0003, "malformedSecurityRequest": 0xF000_0004,
        ]
        for (name, code) in expected {
            #expect(JSONRPCError.table.first { $0.name == name }?.code == code, "\(name)")
        }
    }

    /// The 3DP range avoids everything table 4 allocates or reserves, and fits a signed 32-bit integer.
    @Test func threeDPCodesStayInTheirRange() {
        let ownCodes = JSONRPCError.table.map(\.code).filter { $0 > 11 && $0 < 0xF000_0000 }
        #expect(ownCodes.count == 18)
        for code in ownCodes {
            #expect((0x2D00_0000...0x2DFF_FFFF).contains(code))
            #expect(code <= Int(Int32.max))
        }
    }

    @Test func anUnknownTableCodeStillMakesAnError() {
        #expect(JSONRPCError(tableCode: 99, data: "d") == JSONRPCError(code: 99, message: "Error 99", data: "d"))
        #expect(JSONRPCError.name(of: 99) == nil)
    }

    /// The doc comment's table is what a reader (and the README) sees: same rows, same order, same words.
    @Test func theDocCommentTableMatches() throws {
        let source = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/ThreeDPProtocol/JSONRPC/JSONRPCErrorTable.swift")
        let rows = try String(contentsOf: source, encoding: .utf8)
            .split(separator: "\n")
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { $0.hasPrefix("/// | ") && !$0.hasPrefix("/// | code") }
            .map { $0.dropFirst(6).dropLast(2).components(separatedBy: " | ") }
        try #require(rows.count == JSONRPCError.table.count)
        for (row, entry) in zip(rows, JSONRPCError.table) {
            try #require(row.count == 3, "\(row)")
            let code = row[0].hasPrefix("0x") ? Int(row[0].dropFirst(2), radix: 16) : Int(row[0])
            #expect(code == entry.code, "\(row)")
            #expect(row[1] == entry.name)
            if let elision = row[2].range(of: " …") {
                #expect(entry.meaning.hasPrefix(row[2][..<elision.lowerBound]), "\(row)")
            } else {
                #expect(row[2] == entry.meaning)
            }
        }
    }
}
