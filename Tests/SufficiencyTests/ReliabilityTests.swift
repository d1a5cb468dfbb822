import Foundation
import Testing
@testable import Sufficiency

@Suite("Reliability: malformed input, interruption, fuzzing", .serialized)
struct ReliabilityTests {
    static let corpus = CLI.packageRoot.appendingPathComponent("Tests/SufficiencyTests/Fixtures/malformed")

    @Test("every file of the malformed corpus: exit 1, its messages on stderr, nothing on stdout, no crash")
    func malformedCorpus() throws {
        let expected = try JSONDecoder().decode([String: [String]].self, from: Data(contentsOf: Self.corpus.appendingPathComponent("expected.json")))
        #expect(expected.count >= 14)
        for (file, messages) in expected.sorted(by: { $0.key < $1.key }) {
            let result = try CLI.run(["solve", Self.corpus.appendingPathComponent(file).path])
            #expect(result.status == 1, "\(file): exit \(result.status)")
            #expect(result.stdout.isEmpty, "\(file)")
            for message in messages { #expect(result.stderr.contains(message), "\(file): \(message) not in \(result.stderr)") }
        }
    }

    @Test("a 50 MB file: refused over the size limit, and garbage of that size is a clear error")
    func largeFiles() throws {
        let folder = try TemporaryFolder()
        let big = folder.url.appendingPathComponent("big.json").path
        FileManager.default.createFile(atPath: big, contents: Data(repeating: 0x20, count: 50 * 1024 * 1024) + Data("{}".utf8))
        let limited = try CLI.run(["solve", big, "--max-input-size", "10M"])
        #expect(limited.status == 1)
        #expect(limited.stderr.contains("larger than the limit of 10485760 bytes"))
        let garbage = folder.url.appendingPathComponent("garbage.json").path
        FileManager.default.createFile(atPath: garbage, contents: Data((0..<(50 * 1024 * 1024)).map { UInt8(truncatingIfNeeded: $0 &* 2654435761 >> 7) }))
        let refused = try CLI.run(["validate", garbage])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("not valid JSON") || refused.stderr.contains("larger than"))
        #expect(try CLI.run(["solve", big, "--max-input-size", "12X"]).status == 1)
    }

    @Test("Ctrl-C during a long solve stops with exit 130 and leaves no output file")
    func interrupt() throws {
        let folder = try TemporaryFolder()
        let output = folder.url.appendingPathComponent("report.json").path
        // The full LP (not sifting) keeps GLPK busy for seconds, so the interrupt lands mid-solve.
        let process = try CLI.launch(["solve", CLI.packageRoot.appendingPathComponent("scenarios/bench/gen-z150-s300-y1.json").path, "--strategy", "full", "--output", output])
        Thread.sleep(forTimeInterval: 1.5)
        process.interrupt()
        process.waitUntilExit()
        #expect(process.terminationStatus == 130)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.url.path).isEmpty)
    }

    @Test("killed at any moment, the target name never holds a partial report")
    func killMidWrite() throws {
        let folder = try TemporaryFolder()
        let output = folder.url.appendingPathComponent("report.json").path
        for delay in [0.05, 0.2, 0.4, 0.6, 0.8, 1.0, 1.5] {
            try? FileManager.default.removeItem(atPath: output)
            let process = try CLI.launch(["solve", CLI.packageRoot.appendingPathComponent("scenarios/bench/gen-z50-s100-y1.json").path, "--format", "json", "--output", output])
            Thread.sleep(forTimeInterval: delay)
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            if FileManager.default.fileExists(atPath: output) {
                let report = try JSONDecoder().decode(Report.self, from: Data(contentsOf: URL(fileURLWithPath: output)))
                #expect(report.status == "optimal", "delay \(delay)")
            }
        }
    }

    /// A deterministic mutation fuzzer over the decoder, the model build and the LP validation:
    /// any trap ends the test process, so passing means no input among these crashed.
    /// `Fuzz/run.sh` runs the same harness for many more iterations.
    @Test("a tiny discount rate (found by the fuzzer): 1e-320 is refused, the smallest allowed gives finite annualised charges")
    func tinyDiscountRate() throws {
        let option = dspOption("A", cost: 20000, earliest: "y3")
        let capital: [String: Any] = ["accounting": "annualised", "assetLifeYears": 5]
        let refused = issues(encode(capitalScenario(options: [option], capital: capital, extra: ["discountRate": 1e-320])))
        #expect(refused.map(\.message) == ["is too small to be meant (non-zero but below 1e-9 in size): write 0, got 1e-320"])
        // With r = 1e-9 the charges are those of r = 0 to about 1e-9 relative: 26,000 (worked in capitalScenario).
        let run = try solve(capitalScenario(options: [option], capital: capital, extra: ["discountRate": 1e-9]))
        #expect(run.report.status == "optimal")
        #expect(abs(run.report.objective! - 26000) < 26000 * 1e-6)
    }

    @Test("fuzz: mutated scenarios never crash the decoder, model build or validation")
    func fuzz() throws {
        let iterations = Int(ProcessInfo.processInfo.environment["FUZZ_ITERATIONS"] ?? "") ?? 3000
        let stats = try Fuzzer.run(seedFolder: CLI.packageRoot.appendingPathComponent("scenarios").path, iterations: iterations, seed: 20261125)
        print("fuzz: \(stats)")
        #expect(stats.executions == iterations)
        #expect(stats.rejected > 0 && stats.accepted > 0, "\(stats)")
    }
}

/// Mutates seed scenarios (byte flips, deletions, duplications, and JSON-aware splices of
/// troublesome tokens) and feeds each to the decoder, the model builder and `validate()`.
enum Fuzzer {
    struct Stats: CustomStringConvertible {
        var executions = 0, accepted = 0, rejected = 0, built = 0
        var description: String { "\(executions) executions: \(accepted) decoded, \(rejected) rejected, \(built) models built" }
    }

    static let tokens = ["-1", "1e999", "-1e308", "0", "null", "true", "[]", "{}", "\"\"", "\"all\"", "NaN", "1e-320", "\"2026/27\"",
                         "\"ASD\"", "[[[[", "}}}", ",", ":", "\"\\u0000\"", "\"\\uD800\"", "9999999999", "0.5", "\"ms\""]

    static func run(seedFolder: String, iterations: Int, seed: UInt64) throws -> Stats {
        let seeds = try FileManager.default.contentsOfDirectory(atPath: seedFolder).filter { $0.hasSuffix(".json") }.sorted()
            .map { [UInt8](try Data(contentsOf: URL(fileURLWithPath: seedFolder).appendingPathComponent($0))) }
        var random = ScenarioGenerator.Random(state: seed)
        var stats = Stats()
        for _ in 0..<iterations {
            var bytes = seeds[random.integer(0, seeds.count - 1)]
            for _ in 0..<random.integer(1, 6) { mutate(&bytes, &random) }
            stats.executions += 1
            do {
                let scenario = try ScenarioDecoder.decode(bytes)
                stats.accepted += 1
                if scenario.settings.count * scenario.years.count * max(1, scenario.zones.count) < 2_000_000 {
                    let model = try PlacementModel(scenario: scenario)
                    try model.program.validate()
                    stats.built += 1
                }
            } catch is ScenarioErrors {
                stats.rejected += 1
            }
        }
        return stats
    }

    static func mutate(_ bytes: inout [UInt8], _ random: inout ScenarioGenerator.Random) {
        guard !bytes.isEmpty else { bytes = Array("{".utf8); return }
        let at = random.integer(0, bytes.count - 1)
        switch random.integer(0, 5) {
        case 0: bytes[at] = UInt8(random.integer(0, 255))
        case 1: bytes.remove(at: at)
        case 2:
            // Replace the number or word at `at` with a troublesome token.
            var end = at
            while end < bytes.count, !",:}] \n".utf8.contains(bytes[end]) { end += 1 }
            bytes.replaceSubrange(at..<end, with: Array(tokens[random.integer(0, tokens.count - 1)].utf8))
        case 3:
            let length = min(random.integer(1, 64), bytes.count - at)
            bytes.insert(contentsOf: bytes[at..<(at + length)], at: at)
        case 4: bytes.removeSubrange(at..<min(bytes.count, at + random.integer(1, 200)))
        default:
            // Swap a digit: capacities, costs and demand take odd values.
            if (48...57).contains(bytes[at]) { bytes[at] = UInt8(48 + random.integer(0, 9)) } else { bytes.insert(UInt8(ascii: "-"), at: at) }
        }
    }
}

/// Every input the coverage-guided fuzzer (`Fuzz/run.sh`) was seeded with or kept as a crash,
/// replayed through the same targets on every `swift test`: a trap or abort ends the test run.
@Suite("Fuzzer corpus")
struct FuzzCorpusTests {
    @Test("every seed and every kept crash runs through its fuzz target without a crash")
    func replay() throws {
        let root = CLI.packageRoot.appendingPathComponent("Fuzz")
        var replayed = 0
        for target in FuzzHarness.Target.allCases {
            for folder in ["seeds", "crashes"] {
                let path = root.appendingPathComponent("\(folder)/\(target.rawValue)").path
                guard let files = try? FileManager.default.contentsOfDirectory(atPath: path) else { continue }
                for file in files.sorted() where !file.hasPrefix(".") {
                    FuzzHarness.run(target, [UInt8](try Data(contentsOf: URL(fileURLWithPath: path + "/" + file))))
                    replayed += 1
                }
            }
        }
        #expect(replayed >= 30, "the seed corpus is missing (\(replayed) inputs)")
    }
}
