// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Sufficiency",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "Sufficiency", targets: ["Sufficiency"]),
        .executable(name: "sufficiency-solve", targets: ["sufficiency-solve"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.0"),
        // SHA-256 of every input file for a report's provenance.
        .package(url: "https://github.com/apple/swift-crypto.git", "3.0.0"..<"5.0.0"),
        // Reading workbooks back: our own before replacing one, and the tests.
        .package(url: "https://github.com/weichsel/ZIPFoundation.git", from: "0.9.19"),
        // `serve`: the what-if web app (SPEC §9).
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.90.0"),
    ],
    targets: [
        // GLPK through the C header; Debian ships no glpk.pc, so no pkgConfig here.
        .systemLibrary(
            name: "CGLPK",
            providers: [.apt(["libglpk-dev"]), .brew(["glpk"])]
        ),
        // Excel workbooks through libxlsxwriter (Debian libxlsxwriter-dev ships xlsxwriter.pc).
        .systemLibrary(
            name: "CXLSXWriter",
            pkgConfig: "xlsxwriter",
            providers: [.apt(["libxlsxwriter-dev"]), .brew(["libxlsxwriter"])]
        ),
        .target(
            name: "Sufficiency",
            dependencies: ["CGLPK", "CXLSXWriter", .product(name: "Yams", package: "Yams"), .product(name: "Crypto", package: "swift-crypto"),
                           .product(name: "ZIPFoundation", package: "ZIPFoundation")]
        ),
        // The web app of `serve`: routes, the workspace, the solve queue, the page.
        .target(
            name: "SufficiencyServer",
            dependencies: ["Sufficiency", .product(name: "Hummingbird", package: "hummingbird"), .product(name: "NIOCore", package: "swift-nio"),
                           .product(name: "ZIPFoundation", package: "ZIPFoundation")]
        ),
        .executableTarget(
            name: "sufficiency-solve",
            dependencies: ["Sufficiency", "SufficiencyServer", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        // The libFuzzer binary (Fuzz/run.sh builds it with -sanitize=fuzzer and -D FUZZING).
        .executableTarget(
            name: "sufficiency-fuzz",
            dependencies: ["Sufficiency"],
            path: "Fuzz/Sources/sufficiency-fuzz"
        ),
        .testTarget(
            name: "SufficiencyTests",
            // CGLPK only for the exit test that makes GLPK abort on purpose.
            dependencies: ["Sufficiency", "SufficiencyServer", "CGLPK", .product(name: "PropertyBased", package: "swift-property-based"),
                           .product(name: "HummingbirdTesting", package: "hummingbird"), .product(name: "NIOCore", package: "swift-nio"),
                           .product(name: "Yams", package: "Yams"), .product(name: "ZIPFoundation", package: "ZIPFoundation")],
            resources: [.copy("Fixtures")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
