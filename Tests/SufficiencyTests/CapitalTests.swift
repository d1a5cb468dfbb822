import Foundation
import Testing
@testable import Sufficiency

/// Three years, 10 (or `demand`) ASD children a year who all leave each year (no persistence),
/// independent places at 1,000, no discounting: capital options are the only decision.
func capitalScenario(demand: Double = 10, options: [[String: Any]], capital: [String: Any] = [:], extra: [String: Any] = [:]) -> [String: Any] {
    var object = tiny(years: ["y1", "y2", "y3"], demand: [demand, demand, demand], settings: [
        ["id": "indep", "type": "independent", "serves": "all", "capacity": NSNull(), "costPerPlace": 1000],
    ], extra: ["defaults": ["leavingRate": 1], "capitalOptions": options, "capital": capital])
    for (key, value) in extra { object[key] = value }
    return object
}

/// A new 10-place DSP at 200 a place: it saves 800 a child a year against independent.
func dspOption(_ id: String, cost: Double, earliest: String = "y1", extra: [String: Any] = [:]) -> [String: Any] {
    var option: [String: Any] = ["id": id, "newSetting": ["id": "\(id)-unit", "type": "dsp", "serves": "all", "costPerPlace": 200],
                                 "places": 10, "capitalCost": cost, "earliestYear": earliest]
    for (key, value) in extra { option[key] = value }
    return option
}

@Suite("Capital options (MIP), hand-solved")
struct CapitalTests {
    @Test("an option is chosen only when it pays back within the horizon")
    func paysBack() throws {
        // Opened in y1 it saves 3 · 8,000 = 24,000: worth 20,000, not 25,000; from y2 it saves only 16,000.
        let cheap = try solve(capitalScenario(options: [dspOption("A", cost: 20000)]))
        #expect(abs(cheap.report.objective! - 26000) < 1e-6)
        #expect(cheap.report.options[0].chosen && cheap.report.options[0].openingYear == "y1")
        #expect(cheap.report.solver.integerColumns == 3)
        #expect(cheap.report.verification.passed, "\(cheap.report.verification.summary)")
        #expect(abs((cheap.report.options[0].yearlySaving ?? 0) - 8000) < 1e-6)
        #expect(abs((cheap.report.options[0].paybackYears ?? 0) - 2.5) < 1e-9)
        #expect(abs((cheap.report.withoutOptions?.objective ?? 0) - 30000) < 1e-6)
        let dear = try solve(capitalScenario(options: [dspOption("A", cost: 25000)]))
        #expect(abs(dear.report.objective! - 30000) < 1e-6)
        #expect(!dear.report.options[0].chosen)
        #expect(abs((dear.report.options[0].savingNeeded ?? 0) - 1000) < 1e-6)
        let late = try solve(capitalScenario(options: [dspOption("A", cost: 20000, earliest: "y2")]))
        #expect(abs(late.report.objective! - 30000) < 1e-6)
    }

    @Test("excludes and requires are respected")
    func excludesAndRequires() throws {
        // 20 children: both options would pay (22,000), but they exclude each other: one, 41,000.
        let excluded = try solve(capitalScenario(demand: 20, options: [dspOption("A", cost: 5000, extra: ["excludes": ["B"]]), dspOption("B", cost: 5000)]))
        #expect(abs(excluded.report.objective! - 41000) < 1e-6)
        #expect(excluded.report.options.filter(\.chosen).count == 1)
        let both = try solve(capitalScenario(demand: 20, options: [dspOption("A", cost: 5000), dspOption("B", cost: 5000)]))
        #expect(abs(both.report.objective! - 22000) < 1e-6)
        // B requires A, which cannot open before y2: both open in y2, 20,000 + 2 · 4,000 + 10,000 = 38,000.
        let required = try solve(capitalScenario(demand: 20, options: [dspOption("A", cost: 5000, earliest: "y2"), dspOption("B", cost: 5000, extra: ["requires": ["A"]])]))
        #expect(abs(required.report.objective! - 38000) < 1e-6)
        #expect(required.report.options.map(\.openingYear) == ["y2", "y2"])
    }

    @Test("the capital budget binds")
    func budget() throws {
        let run = try solve(capitalScenario(demand: 20, options: [dspOption("A", cost: 5000), dspOption("B", cost: 5000)], capital: ["budget": 7000]))
        #expect(abs(run.report.objective! - 41000) < 1e-6)
        let byYear = try solve(capitalScenario(demand: 20, options: [dspOption("A", cost: 5000), dspOption("B", cost: 5000)], capital: ["budgetByYear": ["y1": 5000]]))
        // One opens in y1, the other in y2: 10,000 + 2,000 + 2 · 4,000 + 10,000 = 30,000... by hand:
        // y1: 10 in A at 200 + 10 independent = 12,000; y2, y3: 20 at 200 = 4,000 each; capital 10,000: 30,000.
        #expect(abs(byYear.report.objective! - 30000) < 1e-6)
    }

    @Test("annualised and upfront accounting choose differently")
    func accounting() throws {
        // Opening in y3 only: upfront charges all 20,000 against 8,000 of saving; annualised over 5 years
        // at r = 0 charges 4,000 in y3.
        let option = dspOption("A", cost: 20000, earliest: "y3")
        let upfront = try solve(capitalScenario(options: [option], capital: ["accounting": "upfront"]))
        #expect(abs(upfront.report.objective! - 30000) < 1e-6)
        #expect(!upfront.report.options[0].chosen)
        let annualised = try solve(capitalScenario(options: [option], capital: ["accounting": "annualised", "assetLifeYears": 5]))
        #expect(abs(annualised.report.objective! - 26000) < 1e-6)
        #expect(annualised.report.options[0].chosen)
        #expect(annualised.report.costs!.byYear[2].capitalCharge == 4000)
    }

    @Test("a fractional option is part-built; --relax screens with the LP relaxation")
    func fractional() throws {
        // 5 children: half the option (10,000) and 5 · 200 a year = 13,000, against 15,000.
        let run = try solve(capitalScenario(demand: 5, options: [dspOption("A", cost: 20000, extra: ["fractional": true])]))
        #expect(abs(run.report.objective! - 13000) < 1e-6)
        #expect(abs(run.report.options[0].amount - 0.5) < 1e-9)
        #expect(run.report.solver.integerColumns == 0)
        let relaxed = try solve(capitalScenario(demand: 5, options: [dspOption("A", cost: 20000)]), options: SolverOptions(relax: true))
        #expect(abs(relaxed.report.objective! - 13000) < 1e-6)
    }

    @Test("a deficit cap that cannot be met says by how much")
    func deficitCap() throws {
        // One year, 10 children at 100 in mainstream: spend 1,000, no grant; the cap is 500.
        let object = tiny(demand: [10], settings: [["id": "ms", "type": "mainstream", "serves": "all", "capacity": 20, "costPerPlace": 100]],
                          extra: ["finance": ["maxCumulativeDeficit": 500]])
        let run = try solve(object)
        #expect(run.report.status == "infeasible")
        #expect(run.report.explanation.contains { $0.contains("misses it by £500") }, "\(run.report.explanation)")
        // A cap that holds is a constraint: a grant of 600 makes the deficit 400.
        let held = try solve(tiny(demand: [10], settings: [["id": "ms", "type": "mainstream", "serves": "all", "capacity": 20, "costPerPlace": 100]],
                                  extra: ["finance": ["maxCumulativeDeficit": 500, "grant": 600]]))
        #expect(held.report.status == "optimal")
        #expect(held.report.finance[0].cumulative == 400)
    }

    @Test("the deficit cap makes the capital programme worth it")
    func deficitCapDrivesCapital() throws {
        // Without the option the cumulative spend is 30,000; a cap of 10,000 over three years with a
        // grant of 4,000 a year needs spend ≤ 22,000: only the DSP (6,000 of placements) meets it.
        let run = try solve(capitalScenario(options: [dspOption("A", cost: 25000)], extra: ["finance": ["grant": 4000, "maxCumulativeDeficit": 10000]]))
        #expect(run.report.status == "optimal")
        #expect(run.report.options[0].chosen)
        #expect(abs(run.report.objective! - 31000) < 1e-6)
        #expect(run.report.withoutOptions?.status == "infeasible")
    }

    @Test("an infeasible policy minimum is explained")
    func policyMinimumExplained() throws {
        let run = try solve(tiny(demand: [10], settings: [
            ["id": "ms", "type": "mainstream", "serves": "all", "capacity": 5, "costPerPlace": 100],
            ["id": "sp", "type": "special", "serves": "all", "capacity": NSNull(), "costPerPlace": 100],
        ], extra: ["policies": [["settings": ["ms"], "minChildren": 8]]]))
        #expect(run.report.status == "infeasible")
        #expect(run.report.explanation.contains { $0.contains("needs at least 8 children but its settings can take at most 5") }, "\(run.report.explanation)")
    }
}

@Suite("Capital options switched on, off or forced (the what-if page's switches), hand-solved")
struct DecisionTests {
    /// The problems a scenario object has, as (path, message).
    func problems(_ object: [String: Any]) -> [(String, String)] {
        let data = encode(object)
        do { _ = try ScenarioDecoder.decode(data); return [] }
        catch { return error.issues.map { ($0.path, $0.message) } }
    }

    @Test("off is never built, forced always is; the cost follows by hand")
    func decisions() throws {
        // 3 years × 10 children at 1,000 = 30,000 with no option; the DSP saves 800 a child a year.
        func total(_ cost: Double, _ decision: String?, earliest: String = "y1", latest: String? = nil) throws -> ScenarioSolver.Run {
            var extra: [String: Any] = [:]
            if let decision { extra["decision"] = decision }
            if let latest { extra["latestYear"] = latest }
            let run = try solve(capitalScenario(options: [dspOption("A", cost: cost, earliest: earliest, extra: extra)]))
            #expect(run.report.verification.passed, "\(run.report.verification.summary)")
            return run
        }
        // 20,000 pays back: built in y1, 20,000 + 3 · 2,000 = 26,000; off: 30,000; forced: 26,000.
        #expect(abs(try total(20000, nil).report.objective! - 26000) < 1e-6)
        let off = try total(20000, "off")
        #expect(abs(off.report.objective! - 30000) < 1e-6 && !off.report.options[0].chosen)
        #expect(off.report.options[0].comparison?.contains("decision: off") == true)
        #expect(abs(try total(20000, "forced").report.objective! - 26000) < 1e-6)
        // 25,000 does not pay back: not built (30,000) unless forced: 25,000 + 6,000 = 31,000, in y1.
        #expect(abs(try total(25000, "on").report.objective! - 30000) < 1e-6)
        let forced = try total(25000, "forced")
        #expect(abs(forced.report.objective! - 31000) < 1e-6 && forced.report.options[0].openingYear == "y1")
        #expect(forced.report.options[0].comparison?.contains("decision: forced") == true)
        // Forced within y2..y3 (the open-once row): y2 at the soonest, 20,000 + 10,000 + 2 · 2,000 = 34,000.
        #expect(abs(try total(20000, "forced", earliest: "y2").report.objective! - 34000) < 1e-6)
        // Forced with a one-year window (the column's bound): y3, 20,000 + 2 · 10,000 + 2,000 = 42,000.
        let late = try total(20000, "forced", earliest: "y3", latest: "y3")
        #expect(abs(late.report.objective! - 42000) < 1e-6 && late.report.options[0].openingYear == "y3")
        // The relaxation and the decomposition keep the switches too.
        let relaxed = try solve(capitalScenario(options: [dspOption("A", cost: 25000, extra: ["decision": "forced"])]), options: SolverOptions(relax: true))
        #expect(abs(relaxed.report.objective! - 31000) < 1e-6)
        var engine = ScenarioSolver()
        engine.mipMethod = .decomposition
        let decomposed = try engine.run(try ScenarioDecoder.decode(encode(capitalScenario(options: [dspOption("A", cost: 25000, extra: ["decision": "forced"]), dspOption("B", cost: 20000, extra: ["decision": "off"])]))))
        #expect(abs(decomposed.report.objective! - 31000) < 1e-6, "\(decomposed.report.verification.summary)")
        #expect(decomposed.report.verification.passed)
    }

    @Test("a switch that cannot hold is an error at its place")
    func rules() {
        let bad = problems(capitalScenario(options: [dspOption("A", cost: 20000, extra: ["decision": "maybe"])]))
        #expect(bad.count == 1 && bad[0].0 == "capitalOptions[0].decision" && bad[0].1.contains("\"on\""))
        let dear = problems(capitalScenario(options: [dspOption("A", cost: 20000, extra: ["decision": "forced"])], capital: ["budget": 10000]))
        #expect(dear.count == 1 && dear[0].0 == "capitalOptions[0].decision" && dear[0].1.contains("over the capital budget"))
        let both = problems(capitalScenario(options: [dspOption("A", cost: 1, extra: ["decision": "forced", "excludes": ["B"]]), dspOption("B", cost: 1, extra: ["decision": "forced"])]))
        #expect(both.count == 1 && both[0].1.contains("both forced but exclude each other"))
        let needsOff = problems(capitalScenario(options: [dspOption("A", cost: 1, extra: ["decision": "forced", "requires": ["B"]]), dspOption("B", cost: 1, extra: ["decision": "off"])]))
        #expect(needsOff.count == 1 && needsOff[0].1.contains("which is off"))
    }

    @Test("demandScale multiplies every child, futures' own demand included")
    func demandScale() throws {
        // 15 children a year at 1,000 for 3 years, the option off: 45,000.
        let scaled = try solve(capitalScenario(options: [dspOption("A", cost: 20000, extra: ["decision": "off"])], extra: ["demandScale": 1.5]))
        #expect(abs(scaled.report.objective! - 45000) < 1e-6)
        var futures = capitalScenario(options: [], extra: ["demandScale": 2, "futures": [
            ["id": "same", "probability": 0.5], ["id": "own", "probability": 0.5, "demand": ["y1": ["ASD": 1], "y2": ["ASD": 1], "y3": ["ASD": 1]]]]])
        futures["capitalOptions"] = nil
        let scenario = try ScenarioDecoder.decode(encode(futures))
        #expect(scenario.futures.map { $0.demand.reduce(0, +) } == [60, 6])
        #expect(problems(capitalScenario(options: [], extra: ["demandScale": 0])).first?.0 == "demandScale")
    }
}
