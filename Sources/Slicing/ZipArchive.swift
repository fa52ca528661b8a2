import CZlib

/// Just enough of the zip format to read a 3MF: the central directory, stored and deflated members. Every size
/// it is told is checked against the file, and inflating stops at a limit whatever the member claims: a 3MF
/// from the network may be a zip bomb.
struct ZipArchive {
    struct Member {
        var name: String
        var method: UInt16
        var compressedSize: Int
        var localHeaderOffset: Int
    }

    let bytes: UnsafeRawBufferPointer
    private(set) var members: [Member] = []

    init(_ bytes: UnsafeRawBufferPointer) throws(ModelError) {
        self.bytes = bytes
        let endSignature: UInt32 = 0x0605_4b50
        guard bytes.count >= 22 else { throw .empty(.threeMF) }
        var end = -1
        var offset = bytes.count - 22
        let lowest = max(0, bytes.count - 22 - 65_535)
        while offset >= lowest {
            if Self.u32(bytes, offset) == endSignature { end = offset; break }
            offset -= 1
        }
        guard end >= 0 else { throw .malformed(.threeMF, "it is not a zip archive") }
        let count = Int(Self.u16(bytes, end + 10))
        let directorySize = Int(Self.u32(bytes, end + 12))
        let directoryOffset = Int(Self.u32(bytes, end + 16))
        guard directoryOffset != 0xFFFF_FFFF, count != 0xFFFF else {
            throw .tooLarge("a zip64 archive; a 3MF for a printer is far smaller")
        }
        guard directoryOffset + directorySize <= end else { throw .malformed(.threeMF, "its zip directory lies outside the file") }
        var position = directoryOffset
        for _ in 0..<count {
            guard position + 46 <= end, Self.u32(bytes, position) == 0x0201_4b50 else {
                throw .malformed(.threeMF, "its zip directory is damaged")
            }
            let nameLength = Int(Self.u16(bytes, position + 28))
            let extraLength = Int(Self.u16(bytes, position + 30))
            let commentLength = Int(Self.u16(bytes, position + 32))
            guard position + 46 + nameLength <= end else { throw .malformed(.threeMF, "its zip directory is damaged") }
            let name = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[(position + 46)..<(position + 46 + nameLength)]), as: UTF8.self)
            members.append(Member(name: name, method: Self.u16(bytes, position + 10),
                                  compressedSize: Int(Self.u32(bytes, position + 20)),
                                  localHeaderOffset: Int(Self.u32(bytes, position + 42))))
            position += 46 + nameLength + extraLength + commentLength
        }
    }

    func member(named name: String) -> Member? {
        let wanted = name.hasPrefix("/") ? String(name.dropFirst()) : name
        return members.first { $0.name.lowercased() == wanted.lowercased() }
    }

    /// The member's bytes, at most `limit` of them.
    func contents(of member: Member, limit: Int) throws(ModelError) -> [UInt8] {
        let header = member.localHeaderOffset
        guard header + 30 <= bytes.count, Self.u32(bytes, header) == 0x0403_4b50 else {
            throw .malformed(.threeMF, "zip member \(member.name) is damaged")
        }
        let start = header + 30 + Int(Self.u16(bytes, header + 26)) + Int(Self.u16(bytes, header + 28))
        guard start + member.compressedSize <= bytes.count else {
            throw .malformed(.threeMF, "zip member \(member.name) runs past the end of the file")
        }
        let compressed = UnsafeRawBufferPointer(rebasing: bytes[start..<(start + member.compressedSize)])
        switch member.method {
        case 0:
            guard compressed.count <= limit else { throw .tooLarge("\(member.name) unpacks to more than \(limit >> 20) MB") }
            return Array(compressed)
        case 8:
            return try Self.inflate(compressed, name: member.name, limit: limit)
        default:
            throw .malformed(.threeMF, "zip member \(member.name) uses compression method \(member.method)")
        }
    }

    /// Raw deflate, in 1 MB steps, stopping as soon as the output passes `limit`.
    static func inflate(_ input: UnsafeRawBufferPointer, name: String, limit: Int) throws(ModelError) -> [UInt8] {
        var stream = z_stream()
        guard inflateInit2_(&stream, -MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw .unreadable("zlib could not start")
        }
        defer { inflateEnd(&stream) }
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        stream.next_in = UnsafeMutablePointer(mutating: input.bindMemory(to: Bytef.self).baseAddress)
        stream.avail_in = uInt(input.count)
        while true {
            let status = chunk.withUnsafeMutableBufferPointer { buffer -> Int32 in
                stream.next_out = buffer.baseAddress
                stream.avail_out = uInt(buffer.count)
                return CZlib.inflate(&stream, Z_NO_FLUSH)
            }
            let produced = chunk.count - Int(stream.avail_out)
            guard output.count + produced <= limit else {
                throw .tooLarge("\(name) unpacks to more than \(limit >> 20) MB (a zip bomb?)")
            }
            output.append(contentsOf: chunk[0..<produced])
            if status == Z_STREAM_END { return output }
            guard status == Z_OK else { throw .malformed(.threeMF, "\(name) does not unpack (zlib status \(status))") }
            if produced == 0, stream.avail_in == 0 { throw .malformed(.threeMF, "\(name) is cut short") }
        }
    }

    static func u16(_ bytes: UnsafeRawBufferPointer, _ offset: Int) -> UInt16 {
        UInt16(bytes[offset]) | UInt16(bytes[offset + 1]) << 8
    }

    static func u32(_ bytes: UnsafeRawBufferPointer, _ offset: Int) -> UInt32 {
        UInt32(u16(bytes, offset)) | UInt32(u16(bytes, offset + 2)) << 16
    }
}
