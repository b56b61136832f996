// swift-tools-version:6.1
import PackageDescription

// Layering (each line may only use the lines above it):
//   CDRM, CV4L2      system libraries found with pkg-config (libdrm-dev, libv4l-dev)
//   CPNG             libpng (libpng-dev), for Reporting's snapshot PNGs (and TestSupport, which reads them back)
//   CKernelShim      C, forwarding only: ioctl numbers and fourccs as constants, variadic wrappers
//   Platform         the kernel seam (system calls and libv4l2; no libdrm), owned fds, the one
//                    ioctl funnel, typed device errors
//   V4L2, KMS        the two device APIs, independent of each other; KMS holds libdrm's seam
//                    (DRMInterface, SystemDRM), which each Card carries
//   CYUV, Conversion libyuv (Debian libyuv-dev, linked as `yuv`) and the copy path's frame converter
//                    (beside V4L2 and KMS: it knows neither)
//   Configuration    the pipeline file: PipelineConfiguration and its parts, strictly decoded (KMS for
//                    the mode and plane requests it parses)
//   Planning         the format table, negotiation, the planner's candidates, the plan search by
//                    TEST_ONLY and its buffers (FrameAllocation), PipelinePlan, PipelineSetup
//   Pipeline         the runtime: lanes, buffer pool, scheduler, event loops, stages, FramePipeline,
//                    records and summaries; re-exports Planning and Configuration
//                    (Configuration ← Planning ← Pipeline: never the other way)
//   FramePipe        the library product: re-exports what an embedder needs
//   Reporting        what the tool writes: exit statuses, bench report, CSV, SVG, PNG
//   SignalHandling   the tool's SIGINT/SIGTERM handling (process-wide state, so not the library's)
//                    (these two are in no product: their API is package, nothing public)
//   framepipe        the command-line tool, a thin layer over the library
//   Examples         programs that embed the library
let package = Package(
    name: "framepipe",
    products: [
        // Every module the umbrella re-exports is listed, so that a client's
        // build depends on each module directly: when only Pipeline changes,
        // FramePipe's own module file is not rewritten, and a client that
        // depended on it alone would keep objects built for the old layouts
        // (seen here: the CLI crashed reading a PipelineSummary).
        .library(name: "FramePipe", targets: ["FramePipe", "Pipeline", "Planning", "Configuration", "KMS", "V4L2", "Platform"]),
        .executable(name: "framepipe", targets: ["framepipe"]),
        .executable(name: "minimal-preview", targets: ["MinimalPreview"]),
        .executable(name: "several-cameras", targets: ["SeveralCameras"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-system", from: "1.4.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.1.0"),
        // Not linked: `framepipe bench` preloads its library (LD_PRELOAD) to
        // count heap allocations per frame. Build it with
        // `swift build --product MallocInterposerSwift`.
        .package(url: "https://github.com/ordo-one/malloc-interposer", from: "1.6.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CDRM", pkgConfig: "libdrm",
            providers: [.apt(["libdrm-dev"])]),
        .systemLibrary(
            name: "CV4L2", pkgConfig: "libv4l2",
            providers: [.apt(["libv4l-dev"])]),
        // libyuv ships no pkg-config file: the module map links `yuv`.
        .systemLibrary(name: "CYUV", providers: [.apt(["libyuv-dev"])]),
        .systemLibrary(
            name: "CPNG", pkgConfig: "libpng",
            providers: [.apt(["libpng-dev"])]),
        .target(name: "CKernelShim", dependencies: ["CDRM", "CV4L2"]),
        .target(
            name: "Platform",
            dependencies: [
                "CKernelShim", "CV4L2",
                .product(name: "SystemPackage", package: "swift-system"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .target(
            name: "V4L2",
            dependencies: [
                "Platform", "CV4L2", "CKernelShim",
                .product(name: "Logging", package: "swift-log"),
            ]),
        .target(
            name: "KMS",
            dependencies: [
                "Platform", "CDRM", "CKernelShim",
                .product(name: "Logging", package: "swift-log"),
            ]),
        .target(
            name: "Configuration",
            dependencies: ["Platform", "KMS"]),
        .target(
            name: "Planning",
            dependencies: [
                "Configuration", "Platform", "V4L2", "KMS", "Conversion",
                .product(name: "Logging", package: "swift-log"),
            ]),
        .target(
            name: "Pipeline",
            dependencies: [
                "Planning", "Configuration", "Platform", "V4L2", "KMS", "Conversion",
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .target(name: "Conversion", dependencies: ["CYUV", "Platform"]),
        .target(name: "FramePipe", dependencies: ["Pipeline", "Planning", "Configuration", "V4L2", "KMS", "Platform"]),
        .target(name: "Reporting", dependencies: ["Pipeline", "Platform", "CPNG"]),
        .target(
            name: "SignalHandling",
            dependencies: ["Pipeline", "Platform", .product(name: "Logging", package: "swift-log")]),
        .executableTarget(
            name: "framepipe",
            dependencies: [
                "FramePipe", "Pipeline", "Planning", "Configuration", "KMS", "V4L2", "Platform", "Reporting", "SignalHandling",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        // Depends on the re-exported modules too, as a client of the product does (see above).
        .executableTarget(
            name: "MinimalPreview", dependencies: ["FramePipe", "Pipeline", "Planning", "Configuration", "KMS", "V4L2", "Platform"],
            path: "Examples/MinimalPreview"),
        .executableTarget(
            name: "SeveralCameras", dependencies: ["FramePipe", "Pipeline", "KMS", "V4L2", "Platform"],
            path: "Examples/SeveralCameras"),
        // Not part of framepipe: the child process of FaultDeviceTests'
        // second-SIGINT tests, a program so that no helper counts as a test.
        .executableTarget(
            name: "FaultSignalChild", dependencies: ["Pipeline", "SignalHandling"],
            path: "Tests/FaultSignalChild"),
        .target(
            name: "TestSupport",
            dependencies: ["Platform", "KMS", "CDRM", "CV4L2", "CKernelShim", "CPNG"],
            path: "Tests/TestSupport"),
        .testTarget(name: "PlatformTests", dependencies: ["Platform", "CKernelShim", "TestSupport"]),
        .testTarget(name: "V4L2Tests", dependencies: ["V4L2", "Platform", "CV4L2", "TestSupport"]),
        .testTarget(name: "KMSTests", dependencies: ["KMS", "Platform", "TestSupport"]),
        .testTarget(
            name: "PipelineTests",
            dependencies: [
                "Pipeline", "Planning", "Configuration", "V4L2", "KMS", "Platform", "CKernelShim", "CV4L2", "TestSupport",
                "SignalHandling", "Reporting",
            ]),
        .testTarget(name: "ReportingTests", dependencies: ["Reporting", "Pipeline", "Platform", "TestSupport"]),
        // framepipe itself too: the list text is tested on fixed descriptions
        // (`@testable import framepipe`), besides running the built tool.
        .testTarget(name: "CLITests", dependencies: ["TestSupport", "framepipe", "Configuration", "Reporting", "KMS", "V4L2", "Platform"]),
        .testTarget(name: "ConversionTests", dependencies: ["Conversion", "Platform", "CYUV"]),
    ],
    swiftLanguageModes: [.v6]
)
