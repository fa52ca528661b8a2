import ThreeDPProtocol
extension ThreeDPSchema {
    /// The document as `GET /3dp/v1/schema` serves it, encoded once.
    public static let encodedDocument: [UInt8] = {
        var writer = JSONWriter(reservingCapacity: 32 * 1024)
        do {
            try writer.write(document)
        } catch {
            preconditionFailure("the 3DP-1 schema is built from finite numbers and strings: \(error)")
        }
        return writer.bytes
    }()
}
