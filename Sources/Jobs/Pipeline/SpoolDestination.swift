import ContentContract
import Slicing

/// The selection stage's answer (DESIGN §1 step 3): where the selected content goes in the spool and what follows
/// its download, or why it cannot be printed at all. Decided from the selection alone, before a byte is fetched.
enum SpoolDestination: Equatable {
    /// G-code: to the job's G-code file, then checked line by line.
    case gcode(path: String)
    /// A 3D model: to the job's model file, then sliced.
    case model(path: String, format: ModelFormat)
    /// Nothing this agent can print: the job fails with this reason.
    case refused(String)

    init(jobId: String, name: String, mediaType: String, slicerAvailable: Bool, spool: String) {
        switch ContentMediaType(mediaType: mediaType, name: name) {
        case .gcode:
            self = .gcode(path: SpoolFiles(jobId: jobId, spool: spool).gcode)
        case .model(let format):
            guard slicerAvailable, let modelFormat = ModelFormat(rawValue: format.rawValue) else {
                self = .refused("no slicer available: \(name) is a 3D model (\(format.rawValue.uppercased())) and this agent has no slicer configured; send G-code, or slice it first")
                return
            }
            self = .model(path: SpoolFiles(jobId: jobId, spool: spool).model(modelFormat), format: modelFormat)
        case .unsupported(let type):
            self = .refused("\(name) cannot be printed: its media type \(type) is neither G-code nor a 3D model")
        }
    }
}
