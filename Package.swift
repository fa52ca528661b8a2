// swift-tools-version:6.1
import PackageDescription

// One target per module; docs/modules.md is the map (DESIGN.md §2, and why the project differs from it), and
// Tests/ModuleMapTests fails when a target depends on or imports a project target its row does not name.
let package = Package(
    name: "3dp-agent",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "3dp-agent", targets: ["AgentCommand"]),
        .executable(name: "3dp-content-server", targets: ["ContentServerCommand"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket", from: "2.8.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.3"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
        // No traits: the default SubprocessFoundation would only add Data conveniences the agent does not use.
        .package(url: "https://github.com/swiftlang/swift-subprocess", exact: "1.0.2", traits: []),
        // For `FilePath`, which swift-subprocess's API takes (and links anyway).
        .package(url: "https://github.com/apple/swift-system", from: "1.5.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CUdev",
            pkgConfig: "libudev",
            providers: [.apt(["libudev-dev"])]
        ),
        .systemLibrary(name: "CMalloc"),
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        .target(name: "GCode"),
        .target(name: "GCodeFiles", dependencies: ["GCode"]),
        .target(name: "CivilTime"),
        .target(name: "Digest", dependencies: [.product(name: "Crypto", package: "swift-crypto")]),
        .target(name: "ThreeDPProtocol"),
        .target(name: "MulticastDNS"),
        // Only tests check messages against the schema: the agent and the Manager client do not link the validator.
        .target(name: "ThreeDPSchemaValidation", dependencies: ["ThreeDPProtocol"]),
        .target(name: "ContentContract"),
        .target(name: "ServiceScope"),
        .target(name: "OwnerOnlyFiles"),
        // Child processes through swift-subprocess: the long-lived child (start, lines, stop) several callers share.
        .target(
            name: "ChildProcesses",
            dependencies: [.product(name: "Subprocess", package: "swift-subprocess"),
                           .product(name: "SystemPackage", package: "swift-system")]
        ),
        .target(
            name: "Slicing",
            dependencies: ["GCode", "GCodeFiles", "CZlib", "ChildProcesses", .product(name: "Logging", package: "swift-log"),
                           .product(name: "Subprocess", package: "swift-subprocess"),
                           .product(name: "SystemPackage", package: "swift-system")],
            // The generic profiles, carried in the binary so that an installed agent slices without a data folder;
            // the package also installs them under /usr/share/3dp-agent/profiles. The Cura overrides are the input
            // of Scripts/cura-flatten-definition.py, which made the flat definition.
            exclude: ["Profiles/curaengine-generic.overrides.json"],
            resources: [.embedInCode("Profiles/prusaslicer-generic.ini"), .embedInCode("Profiles/curaengine-generic.def.json"),
                        .embedInCode("Profiles/slic3r-generic.ini")]
        ),
        .target(
            name: "PrinterLink",
            dependencies: ["GCode", "GCodeFiles", .product(name: "Logging", package: "swift-log"), .product(name: "DequeModule", package: "swift-collections")]
        ),
        .target(
            name: "VirtualPrinter",
            dependencies: ["GCode", .product(name: "Logging", package: "swift-log")]
        ),
        .target(
            name: "Board",
            dependencies: ["CUdev", "CivilTime", .product(name: "Logging", package: "swift-log")]
        ),
        .target(
            name: "Content",
            dependencies: ["ContentContract", "Digest", .product(name: "Logging", package: "swift-log"),
                           .product(name: "AsyncHTTPClient", package: "async-http-client"),
                           .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOHTTP1", package: "swift-nio"),
                           .product(name: "NIOSSL", package: "swift-nio-ssl")]
        ),
        .target(
            name: "AgentConfig",
            dependencies: ["Board", "GCode", "Jobs", "Content", "ServiceScope", .product(name: "Logging", package: "swift-log")]
        ),
        .target(
            name: "Jobs",
            dependencies: ["PrinterLink", "CivilTime", "GCode", "GCodeFiles", "Content", "ContentContract", "Slicing",
                           .product(name: "Logging", package: "swift-log"),
                           .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .target(
            name: "Endpoint",
            dependencies: ["ThreeDPProtocol", "Jobs", "Content", "PrinterLink", "GCode", "CivilTime", "Digest", "OwnerOnlyFiles",
                           .product(name: "Logging", package: "swift-log"),
                           .product(name: "Hummingbird", package: "hummingbird"),
                           .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                           .product(name: "NIOSSL", package: "swift-nio-ssl"),
                           .product(name: "X509", package: "swift-certificates"),
                           .product(name: "SwiftASN1", package: "swift-asn1"),
                           .product(name: "Crypto", package: "swift-crypto")],
            // The status page's files, carried in the binary (`PackageResources`): the board may have no internet.
            resources: [.embedInCode("StatusPage/web")]
        ),
        .target(
            name: "ManagerClient",
            dependencies: ["ThreeDPProtocol", "GCode", "MulticastDNS", "OwnerOnlyFiles",
                           .product(name: "AsyncHTTPClient", package: "async-http-client"),
                           .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                           .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                           .product(name: "NIOSSL", package: "swift-nio-ssl"),
                           .product(name: "Crypto", package: "swift-crypto"),
                           .product(name: "Logging", package: "swift-log")]
        ),
        .target(
            name: "Agent",
            dependencies: [
                "GCode", "GCodeFiles", "PrinterLink", "VirtualPrinter", "Board", "Jobs", "Endpoint", "ThreeDPProtocol",
                "Content", "Digest", "Slicing", "ServiceScope", "AgentConfig",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ]
        ),
        .target(
            name: "CommandSupport",
            dependencies: ["Agent", "CMalloc", .product(name: "Logging", package: "swift-log")]
        ),
        .target(
            name: "Benchmarks",
            dependencies: [
                "Agent", "ChildProcesses", "CommandSupport", "Board", "CivilTime", "AgentConfig", "Content", "ContentContract",
                "ContentServer", "Endpoint", "GCode",
                "Jobs", "ManagerClient", "PrinterLink", "ServiceScope", "Slicing", "ThreeDPProtocol",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "Demo",
            dependencies: [
                "Agent", "CommandSupport", "Board", "AgentConfig", "Content", "ContentServer", "Endpoint", "ManagerClient", "PrinterLink",
                "ServiceScope", "Slicing", "ThreeDPProtocol", "VirtualPrinter",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "AgentCommand",
            dependencies: [
                "Agent", "Benchmarks", "Demo", "CommandSupport", "GCode", "GCodeFiles", "PrinterLink", "VirtualPrinter",
                "Board", "AgentConfig", "Endpoint", "ThreeDPProtocol", "ManagerClient", "Slicing",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "ContentServer",
            dependencies: ["ContentContract", "Digest", "ServiceScope", .product(name: "Logging", package: "swift-log"),
                           .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                           .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                           .product(name: "Hummingbird", package: "hummingbird"),
                           .product(name: "HummingbirdTLS", package: "hummingbird"),
                           .product(name: "NIOCore", package: "swift-nio"),
                           .product(name: "NIOSSL", package: "swift-nio-ssl")]
        ),
        .executableTarget(
            name: "ContentServerCommand",
            dependencies: ["ContentServer", "ServiceScope",
                           .product(name: "ArgumentParser", package: "swift-argument-parser"),
                           .product(name: "Logging", package: "swift-log")]
        ),
        // Only tests link it; a target of its own so that the test targets share it instead of each keeping a copy.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "ModuleMapTests", dependencies: ["ChildProcesses"]),
        .testTarget(name: "ServiceScopeTests", dependencies: ["ServiceScope"]),
        .testTarget(name: "GCodeTests", dependencies: ["GCode", "GCodeFiles"]),
        .testTarget(name: "SlicingTests", dependencies: ["Slicing", "GCode", "GCodeFiles", "CZlib", .product(name: "Logging", package: "swift-log")], exclude: ["Fixtures"]),
        .testTarget(name: "PrinterLinkTests", dependencies: ["PrinterLink", "GCode", "VirtualPrinter"]),
        .testTarget(name: "VirtualPrinterTests", dependencies: ["VirtualPrinter", "GCode"]),
        .testTarget(name: "BoardTests", dependencies: ["Board", "CivilTime", "AgentConfig", "ServiceScope", "Content", "Jobs"]),
        .testTarget(name: "EndpointTests", dependencies: ["Endpoint", "TestSupport", "ThreeDPProtocol", "ThreeDPSchemaValidation", "Jobs", "PrinterLink", "GCode", "Digest", "Content",
                                                          .product(name: "GRDB", package: "GRDB.swift"),
                                                          .product(name: "Hummingbird", package: "hummingbird"),
                                                          .product(name: "HummingbirdTesting", package: "hummingbird"),
                                                          .product(name: "HummingbirdWSTesting", package: "hummingbird-websocket"),
                                                          .product(name: "HummingbirdWSClient", package: "hummingbird-websocket")]),
        .testTarget(name: "ManagerClientTests", dependencies: ["ManagerClient", "MulticastDNS", "Endpoint", "ThreeDPProtocol", .product(name: "NIOCore", package: "swift-nio"), .product(name: "Hummingbird", package: "hummingbird"), .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket")]),
        .testTarget(name: "JobsTests", dependencies: ["Jobs", "CivilTime", "PrinterLink", "GCode", "VirtualPrinter", "Content",
                                                      .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "ContentTests", dependencies: ["ChildProcesses", "Content", "ContentContract", "Digest", "ContentServer",
                                                         .product(name: "AsyncHTTPClient", package: "async-http-client"),
                                                         .product(name: "NIOCore", package: "swift-nio")]),
        .testTarget(name: "AgentTests", dependencies: ["Agent", "TestSupport", "ChildProcesses", "MulticastDNS", "ThreeDPSchemaValidation", "AgentConfig", "ServiceScope", "PrinterLink", "VirtualPrinter", "GCode", "Jobs", "Endpoint", "ThreeDPProtocol",
                                                       "ManagerClient", "CommandSupport", "Board", "Content", "ContentServer", "Slicing",
                                                       .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                                                       .product(name: "AsyncHTTPClient", package: "async-http-client"),
                                                       .product(name: "HummingbirdWSClient", package: "hummingbird-websocket")]),
        .testTarget(name: "ContentServerTests", dependencies: ["ChildProcesses", "ContentServer", "ServiceScope", "Content", "ContentContract", "Digest",
                                                               .product(name: "AsyncHTTPClient", package: "async-http-client"),
                                                               .product(name: "Hummingbird", package: "hummingbird"),
                                                               .product(name: "HummingbirdTesting", package: "hummingbird"),
                                                               .product(name: "NIOCore", package: "swift-nio")]),
    ],
    swiftLanguageModes: [.v6]
)
