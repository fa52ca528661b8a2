extension SlicerKind {
    /// The generic profile in `Sources/Slicing/Profiles/` (0.4 mm nozzle, 0.2 mm layers, PLA), carried in the
    /// binary (`.embedInCode`, in `PackageResources`).
    public var genericProfile: String {
        switch self {
        case .prusaSlicer: String(decoding: PackageResources.prusaslicer_generic_ini, as: UTF8.self)
        case .curaEngine: String(decoding: PackageResources.curaengine_generic_def_json, as: UTF8.self)
        case .slic3r: String(decoding: PackageResources.slic3r_generic_ini, as: UTF8.self)
        }
    }
}
