import Foundation
import Testing
@testable import Sufficiency

/// Expected objectives of the shipped scenarios: HiGHS 1.16.0 (highspy) on the exported free MPS,
/// which glpsol 5.0 and both solvers on the exported LP file match to 3e-15 relative:
/// `python3 Benchmarks/reference_objectives.py scenarios/*.json` (run 2026-12-01). Not our output.
let expectedObjectives: [String: Double] = [
    "leicester-city-capital.json": 468611051.85036623,
    "leicester-city.json": 472675176.12939316,
    "leicestershire.json": 882185664.4678165,
    // The extensive form over its three futures: the expected cost RP.
    "leicestershire-futures.json": 914310147.3222805,
    "tutorial-phases.json": 32421467.05874117,
    "tutorial.json": 75458949.47985719,
]

@Suite("End to end: the built binary on the shipped scenarios", .serialized)
struct EndToEndTests {
    @Test("every shipped scenario solves, verifies, and matches its independent objective")
    func shippedScenarios() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: CLI.packageRoot.appendingPathComponent("scenarios").path)
            .filter { $0.hasSuffix(".json") }.sorted()
        #expect(Set(files) == Set(expectedObjectives.keys), "every scenario needs an expected objective")
        for file in files {
            let result = try CLI.run(["solve", CLI.scenario(file), "--format", "json", "--no-timings"])
            #expect(result.status == 0, "\(file): exit \(result.status): \(result.stderr)")
            let report = try JSONDecoder().decode(Report.self, from: Data(result.stdout.utf8))
            #expect(report.status == "optimal", "\(file)")
            #expect(report.verification.passed, "\(file): \(report.verification.summary)")
            let expected = try #require(expectedObjectives[file])
            // With futures the exported model is the extensive form, whose optimum is the plan's expected cost.
            let objective = try #require(report.robust?.value ?? report.objective)
            #expect(abs(objective - expected) <= 1e-9 * abs(expected), "\(file): \(objective) vs \(expected)")
        }
    }

    @Test("the table report reads as a planner expects, and the same run gives the same bytes")
    func tableAndDeterminism() throws {
        let first = try CLI.run(["solve", CLI.scenario("tutorial.json"), "--no-timings"])
        let second = try CLI.run(["solve", CLI.scenario("tutorial.json"), "--no-timings"])
        #expect(first.status == 0)
        #expect(first.stdout == second.stdout)
        for phrase in ["Status: optimal", "Total cost (present value): £75,458,949", "Value of one more place", "Mainstream schools          62,900",
                       "Cumulative deficit carried forward", "Verification: passed"] {
            #expect(first.stdout.contains(phrase), "missing \(phrase)")
        }
        let json1 = try CLI.run(["solve", CLI.scenario("leicester-city.json"), "--format", "json", "--no-timings"])
        let json2 = try CLI.run(["solve", CLI.scenario("leicester-city.json"), "--format", "json", "--no-timings"])
        #expect(json1.stdout == json2.stdout)
        #expect(json1.stdout.contains("\"objective\" : "))
    }

    @Test("the capital scenario: a proven optimum, options chosen, the deficit with and without the programme")
    func capitalScenario() throws {
        let result = try CLI.run(["solve", CLI.scenario("leicester-city-capital.json"), "--format", "json", "--no-timings"])
        let report = try JSONDecoder().decode(Report.self, from: Data(result.stdout.utf8))
        #expect(report.status == "optimal")
        #expect(report.solver.mipGap == 0)
        #expect(report.solver.integerColumns > 0)
        #expect(report.verification.model?.maxIntegralityViolation ?? 1 < 1e-9)
        let chosen = report.options.filter(\.chosen)
        #expect(!chosen.isEmpty && chosen.count < report.options.count)
        #expect(chosen.allSatisfy { $0.openingYear != nil && ($0.paybackYears ?? 0) > 0 })
        #expect(report.options.filter { !$0.chosen }.allSatisfy { ($0.savingNeeded ?? -1) >= 0 })
        let without = try #require(report.withoutOptions)
        #expect(abs((without.objective ?? 0) - expectedObjectives["leicester-city.json"]!) < 1e-9 * 4.2e8)
        #expect(without.finance.last!.cumulative > report.finance.last!.cumulative)
        let table = try CLI.run(["solve", CLI.scenario("leicester-city-capital.json"), "--no-timings"])
        #expect(table.stdout.contains("With and without the capital programme"))
        let relaxed = try CLI.run(["solve", CLI.scenario("leicester-city-capital.json"), "--relax", "--format", "json", "--no-timings"])
        let relaxedReport = try JSONDecoder().decode(Report.self, from: Data(relaxed.stdout.utf8))
        #expect(relaxedReport.objective! <= report.objective! + 1e-6)
    }

    @Test("bad input: exit 1, every problem on stderr with its place, nothing written")
    func badInput() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sufficiency-e2e-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var object = baseScenario()
        object.edit("settings", 0) { $0["capacity"] = -5 }
        object["discountRate"] = "high"
        let input = folder.appendingPathComponent("bad.json")
        try Data(encode(object)).write(to: input)
        let output = folder.appendingPathComponent("report.json").path
        let result = try CLI.run(["solve", input.path, "--output", output])
        #expect(result.status == 1)
        #expect(result.stderr.contains("settings[0].capacity: must be ≥ 0, got -5 (line 1, column"))
        #expect(result.stderr.contains("discountRate: must be a number, got text"))
        #expect(result.stdout.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: output))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["bad.json"])

        let validate = try CLI.run(["validate", input.path, CLI.scenario("tutorial.json")])
        #expect(validate.status == 1)
        #expect(validate.stdout.contains("tutorial.json: ok"))
        #expect(try CLI.run(["validate", "/nonexistent.json"]).stderr.contains("file not found"))
        #expect(try CLI.run(["solve", CLI.scenario("tutorial.json"), "--max-input-size", "1K"]).status == 1)
        let usage = try CLI.run(["solve", CLI.scenario("tutorial.json"), "--time-limit=-3"])
        #expect(usage.status == 1)
        #expect(usage.stderr.contains("--time-limit must be a number of seconds > 0"))
        #expect(try CLI.run(["solve"]).status == 1)
    }

    @Test("--output writes the report atomically; infeasible exits 2 with the reason")
    func outputAndInfeasible() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sufficiency-e2e-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("report.json").path
        let result = try CLI.run(["solve", CLI.scenario("tutorial.json"), "--format", "json", "--output", output])
        #expect(result.status == 0)
        #expect(result.stdout.isEmpty)
        let report = try JSONDecoder().decode(Report.self, from: Data(contentsOf: URL(fileURLWithPath: output)))
        #expect(report.status == "optimal")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["report.json"])

        let object = PlacementModelTests.persistenceAboveCapacity()
        let input = folder.appendingPathComponent("infeasible.json")
        try Data(encode(object)).write(to: input)
        let infeasible = try CLI.run(["solve", input.path])
        #expect(infeasible.status == 2)
        #expect(infeasible.stdout.contains("special-a 2028/29: 160 children stay from 2027/28 but it has 150 places"), "\(infeasible.stdout)")
    }

    @Test("export writes LP and MPS that glpsol solves to the same objective")
    func export() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sufficiency-e2e-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let mps = folder.appendingPathComponent("m.mps").path, lp = folder.appendingPathComponent("m.lp").path
        let result = try CLI.run(["export", CLI.scenario("tutorial.json"), "--mps", mps, "--lp", lp])
        #expect(result.status == 0, "\(result.stderr)")
        let text = try String(contentsOfFile: mps, encoding: .utf8)
        #expect(text.contains("start[ASD,dsp-north,2027/28]"))
        if let objective = try GlpsolReference.objective(mps: mps) {
            #expect(abs(objective - expectedObjectives["tutorial.json"]!) < 1)
        }
        #expect(try CLI.run(["export", CLI.scenario("tutorial.json")]).status == 1)
    }
}

@Suite("Benchmark and its regression gate", .serialized)
struct BenchTests {
    func result(_ name: String, objective: Double, median: Double) -> Bench.Result {
        var sample = Bench.Sample.failed("")
        sample.error = nil
        sample.status = "optimal"
        sample.objective = objective
        sample.verified = true
        sample.totalSeconds = median
        return Bench.Result(name: name, samples: [sample])
    }

    @Test("compare flags a changed objective, a lost verification and a slowdown, not noise")
    func compareRules() {
        let base = [result("a.json", objective: 100, median: 1), result("b.json", objective: 5, median: 0.001)]
        #expect(Bench.compare(base, baseline: base, threshold: 1.25).isEmpty)
        // A shard holds some of the folder's scenarios: the others are not missing.
        let folder = ["a.json", "b.json"]
        #expect(Bench.compare([result("a.json", objective: 100.001, median: 1)], baseline: base, threshold: 1.25, folder: folder).map(\.name) == ["a.json"])
        #expect(Bench.compare([result("a.json", objective: 100, median: 1.6)], baseline: base, threshold: 1.25, folder: folder).first?.reason.contains("median") == true)
        // 3 ms against 1 ms is 3× but under the floor: noise.
        #expect(Bench.compare([result("b.json", objective: 5, median: 0.003)], baseline: base, threshold: 1.25, folder: folder).isEmpty)
        var unverified = result("a.json", objective: 100, median: 1)
        unverified.verified = false
        #expect(Bench.compare([unverified], baseline: base, threshold: 1.25, folder: folder).first?.reason == "verification failed")
    }

    @Test("shards are a stable partition")
    func shards() {
        let files = (1...10).map { "s\($0)" }
        let parts = (1...3).map { Bench.shard(files, index: $0, count: 3) }
        #expect(parts.flatMap { $0 }.sorted() == files.sorted())
        #expect(parts[0] == ["s1", "s4", "s7", "s10"])
        #expect(Bench.parseShard("2/3")! == (2, 3))
        #expect(Bench.parseShard("4/3") == nil && Bench.parseShard("0/3") == nil && Bench.parseShard("x") == nil)
    }

    @Test("the built binary: bench writes JSON lines, and exits 4 when the baseline's objective differs")
    func gate() throws {
        let folder = try TemporaryFolder()
        let scenario = try String(contentsOfFile: CLI.scenario("tutorial.json"), encoding: .utf8)
        try folder.write("tutorial.json", scenario)
        let out = folder.url.appendingPathComponent("run.jsonl").path
        let first = try CLI.run(["bench", folder.url.path, "--repeat", "2", "--output", out])
        #expect(first.status == 0, "\(first.stderr)")
        let lines = try Bench.readLines(String(contentsOfFile: out, encoding: .utf8))
        #expect(lines.count == 1 && lines[0].runs == 2 && lines[0].verified && lines[0].peakMemoryMB > 0)
        // Each line says which tool made it, and when (SPEC §5).
        #expect(lines[0].tool == "sufficiency-solve \(SufficiencyVersion.current) (GLPK \(SolverBackend.glpk.version))")
        #expect(lines[0].date.flatMap { ISO8601DateFormatter().date(from: $0) } != nil)
        #expect(abs(lines[0].objective! - expectedObjectives["tutorial.json"]!) < 1e-6 * 7.5e7)
        // Same baseline: no regression.
        #expect(try CLI.run(["bench", folder.url.path, "--repeat", "1", "--baseline", out]).status == 0)
        // A baseline whose objective is altered: the gate fails with exit 4 and says why.
        var altered = lines
        altered[0].objective! *= 1.01
        let alteredPath = try folder.write("altered.jsonl", Bench.jsonLines(altered))
        let gated = try CLI.run(["bench", folder.url.path, "--repeat", "1", "--baseline", alteredPath])
        #expect(gated.status == 4)
        #expect(gated.stderr.contains("REGRESSION tutorial.json: objective"))
        // merge joins shards, and refuses a scenario that is in two of them.
        #expect(try CLI.run(["bench", "merge", out, alteredPath]).status == 1)
        var other = lines
        other[0].name = "other.json"
        let otherPath = try folder.write("other.jsonl", Bench.jsonLines(other))
        let merged = try CLI.run(["bench", "merge", out, otherPath])
        #expect(try Bench.readLines(merged.stdout).map(\.name) == ["other.json", "tutorial.json"])
        #expect(try CLI.run(["bench", folder.url.path, "--shard", "3/2"]).status == 1)
    }
}
