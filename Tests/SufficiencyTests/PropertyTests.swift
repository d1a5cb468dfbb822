import Foundation
import Testing
@testable import Sufficiency

/// Properties that must hold on any valid scenario, checked on small random generated ones.
@Suite("Properties on random valid scenarios")
struct PropertyTests {
    static let seeds: [UInt64] = Array(1...12)

    static func scenario(_ seed: UInt64) throws -> Scenario {
        var random = ScenarioGenerator.Random(state: seed &* 7919)
        let generator = ScenarioGenerator(zones: random.integer(1, 4), settings: random.integer(6, 14), needs: random.integer(2, 6),
                                          years: random.integer(1, 3), options: 0, seed: seed)
        let files = try generator.generate(travelFileName: "t.csv")
        let folder = try TemporaryFolder()
        try folder.write("t.csv", files.travelCSV)
        return try ScenarioDecoder.load(path: folder.write("s.json", files.scenarioJSON))
    }

    static func objective(_ scenario: Scenario, _ options: SolverOptions = SolverOptions()) throws -> Report {
        try ScenarioSolver(options: options, compareOptions: .off).run(scenario).report
    }

    @Test("every solve verifies, and simplex and interior point agree", arguments: seeds)
    func verifiesAndMethodsAgree(seed: UInt64) throws {
        let scenario = try Self.scenario(seed)
        let simplex = try Self.objective(scenario)
        #expect(simplex.status == "optimal")
        #expect(simplex.verification.passed, "\(simplex.verification.summary)")
        let interior = try Self.objective(scenario, SolverOptions(lpMethod: .interior))
        #expect(abs(interior.objective! - simplex.objective!) <= 1e-6 * max(1, simplex.objective!), "seed \(seed)")
        let dual = try Self.objective(scenario, SolverOptions(lpMethod: .dualSimplex))
        #expect(abs(dual.objective! - simplex.objective!) <= 1e-9 * max(1, simplex.objective!), "seed \(seed)")
    }

    @Test("more capacity never raises the cost; a dearer place never lowers it", arguments: seeds)
    func monotone(seed: UInt64) throws {
        let scenario = try Self.scenario(seed)
        let base = try Self.objective(scenario).objective!
        var random = ScenarioGenerator.Random(state: seed)
        let k = random.integer(0, scenario.settings.count - 1)
        var roomier = scenario
        roomier.settings[k].capacity = roomier.settings[k].capacity.map { $0.map { $0 + 10 } }
        #expect(try Self.objective(roomier).objective! <= base * (1 + 1e-9) + 1e-6, "seed \(seed), setting \(k)")
        var dearer = scenario
        dearer.settings[k].costByNeed = dearer.settings[k].costByNeed.map { $0 * 1.1 + 100 }
        #expect(try Self.objective(dearer).objective! >= base * (1 - 1e-9) - 1e-6, "seed \(seed), setting \(k)")
    }

    @Test("no demand and no incumbents: nothing placed, nothing spent", arguments: seeds.prefix(6))
    func zeroDemand(seed: UInt64) throws {
        var scenario = try Self.scenario(seed)
        scenario.demand = scenario.demand.map { _ in 0 }
        scenario.incumbents = []
        let report = try Self.objective(scenario)
        #expect(report.status == "optimal")
        #expect(abs(report.objective!) < 1e-9)
        #expect(report.costs!.byYear.allSatisfy { $0.placements == 0 && $0.transport == 0 })
    }

    @Test("the same scenario in JSON and in YAML solves identically")
    func jsonYamlRoundTrip() throws {
        let json = try String(contentsOfFile: CLI.scenario("leicester-city.json"), encoding: .utf8)
        let object = try JSONSerialization.jsonObject(with: Data(json.utf8))
        // YAML is a superset of JSON: the same text parsed by the YAML reader must give the same scenario.
        let fromYAML = try ScenarioDecoder.decode(Array(json.utf8), syntax: .yaml)
        let fromJSON = try ScenarioDecoder.decode(Array(json.utf8))
        #expect(fromYAML == fromJSON)
        let reencoded = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        let fromReencoded = try ScenarioDecoder.decode([UInt8](reencoded))
        #expect(try Self.objective(fromReencoded).objective == Self.objective(fromJSON).objective)
    }
}

@Suite("Sifting")
struct SiftingTests {
    @Test("sifting reaches the full LP's optimum, and its reduced costs over all columns verify", arguments: PropertyTests.seeds.prefix(6))
    func siftingMatchesFull(seed: UInt64) throws {
        let scenario = try PropertyTests.scenario(seed + 100)
        var full = ScenarioSolver(compareOptions: .off)
        full.strategy = .full
        var sifting = full
        sifting.strategy = .sifting
        let a = try full.run(scenario), b = try sifting.run(scenario)
        #expect(b.solution?.method == .sifting)
        #expect(abs(a.report.objective! - b.report.objective!) <= 1e-9 * max(1, a.report.objective!), "seed \(seed)")
        #expect(b.report.verification.passed && b.report.verification.model?.checkedDuals == true, "\(b.report.verification.summary)")
        #expect(b.solution!.reducedCosts.count == b.model.program.columnCount)
    }
}
