// swift-tools-version:6.2
import PackageDescription

let package = Package(
    name: "Herald",
    platforms: [.macOS(.v14)],
    products: [
        // One program for every role: `herald api`, `herald email`, …, `herald ctl`, `herald sandbox`.
        .executable(name: "herald", targets: ["herald"]),
        .executable(name: "herald-bench", targets: ["herald-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.5.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.80.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.29.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.0.0"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.24.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.6.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.0.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.24.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.25.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.10.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.0.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.0.0"),
    ],
    targets: [
        .systemLibrary(name: "CRabbitMQ", pkgConfig: "librabbitmq", providers: [.apt(["librabbitmq-dev"])]),
        .target(name: "CCurl", linkerSettings: [.linkedLibrary("curl")]),
        .target(name: "HeraldCore"),
        .target(name: "HeraldBus", dependencies: [
            "CRabbitMQ", "HeraldCore",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),
        .target(name: "HeraldStore", dependencies: [
            "HeraldCore",
            .product(name: "PostgresNIO", package: "postgres-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),
        .target(name: "HeraldRendering", dependencies: [
            "HeraldCore",
            .product(name: "Mustache", package: "swift-mustache"),
        ]),
        .target(name: "HeraldProviders", dependencies: [
            "CCurl", "HeraldCore",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "_CryptoExtras", package: "swift-crypto"),
        ]),
        .target(name: "HeraldRuntime", dependencies: [
            "HeraldCore", "HeraldBus", "HeraldStore",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "NIOCore", package: "swift-nio"),
        ]),
        .target(name: "HeraldPipeline", dependencies: [
            "HeraldCore", "HeraldBus", "HeraldStore", "HeraldRuntime",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),
        // Accepting messages, whichever way they come (HTTP or the intake queue): the use case and its rules.
        .target(name: "HeraldIntake", dependencies: [
            "HeraldCore", "HeraldBus", "HeraldStore", "HeraldRuntime", "HeraldPipeline", "HeraldRendering", "HeraldProviders",
            .product(name: "HTTPTypes", package: "swift-http-types"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),
        .target(name: "HeraldAPI", dependencies: [
            "HeraldCore", "HeraldBus", "HeraldStore", "HeraldRuntime", "HeraldPipeline", "HeraldIntake", "HeraldRendering",
            "HeraldProviders",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
        ], resources: [
            // The API's OpenAPI document, compiled into the binary (served at /openapi.json).
            .embedInCode("openapi.json"),
        ]),
        .target(name: "HeraldInbound", dependencies: [
            "HeraldCore", "HeraldStore", "HeraldRuntime", "HeraldPipeline", "HeraldProviders",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),
        .target(name: "HeraldWorkers", dependencies: [
            "HeraldCore", "HeraldBus", "HeraldStore", "HeraldRuntime", "HeraldPipeline", "HeraldRendering", "HeraldProviders",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),
        .target(name: "HeraldSandbox", dependencies: [
            "HeraldCore", "HeraldRendering", "HeraldProviders",
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),
        .executableTarget(name: "herald", dependencies: [
            "HeraldCore", "HeraldBus", "HeraldStore", "HeraldRuntime", "HeraldPipeline", "HeraldAPI", "HeraldWorkers", "HeraldSandbox", "HeraldInbound",
            "HeraldProviders",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "UnixSignals", package: "swift-service-lifecycle"),
        ]),
        .executableTarget(name: "herald-bench", dependencies: [
            "HeraldCore", "HeraldBus", "HeraldStore", "HeraldRuntime", "HeraldPipeline", "HeraldWorkers", "HeraldProviders", "HeraldSandbox",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "PostgresNIO", package: "postgres-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
        ]),
        .testTarget(name: "HeraldTests", dependencies: [
            "HeraldCore", "HeraldRendering", "HeraldProviders", "HeraldBus", "HeraldStore", "HeraldSandbox",
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "_CryptoExtras", package: "swift-crypto"),
        ]),
        .testTarget(name: "HeraldAPITests", dependencies: [
            "HeraldAPI", "HeraldIntake", "HeraldBus", "HeraldCore", "HeraldPipeline", "HeraldProviders", "HeraldRuntime", "HeraldStore",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdTesting", package: "hummingbird"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "NIOCore", package: "swift-nio"),
        ]),
        .testTarget(name: "HeraldIntakeTests", dependencies: ["HeraldIntake", "HeraldCore", "HeraldStore"]),
        .testTarget(name: "HeraldWorkersTests", dependencies: ["HeraldWorkers", "HeraldCore", "HeraldProviders", "HeraldStore"]),
        .testTarget(name: "HeraldInboundTests", dependencies: ["HeraldInbound", "HeraldProviders"]),
        .testTarget(name: "HeraldIntegrationTests", dependencies: [
            "HeraldAPI", "HeraldWorkers", "HeraldSandbox", "HeraldBus", "HeraldCore", "HeraldProviders", "HeraldRuntime",
            "HeraldStore",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "PostgresNIO", package: "postgres-nio"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
        ], exclude: ["Support/smtp_server.py", "Support/callback_receiver.py"]),
    ]
)

// Every target of ours is compiled with the language's stricter defaults: `any` spelled out, members visible only
// from modules a file imports itself, and imports internal unless a file says `package import`. A warning fails the
// debug build (the one the tests and CI use); a release build only reports it, so a newer compiler's new warning
// cannot stop a deployment.
for target in package.targets where target.type != .system {
    target.swiftSettings = (target.swiftSettings ?? []) + [
        .enableUpcomingFeature("ExistentialAny"),
        .enableUpcomingFeature("MemberImportVisibility"),
        .enableUpcomingFeature("InternalImportsByDefault"),
        .treatAllWarnings(as: .error, .when(configuration: .debug)),
    ]
}
