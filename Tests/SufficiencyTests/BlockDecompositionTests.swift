import Foundation
import PropertyBased
import Testing
@testable import Sufficiency

/// The decomposition by block (Dantzig–Wolfe) and its small simplex: hand-worked LPs, and
/// against GLPK on the whole model for random scenarios.
@Suite("Decomposition by block")
struct BlockDecompositionTests {
    /// Two zones (blocks) of 8 children each share a resource base of 10 places at £100; an
    /// independent place costs £300 and an unmet child £1,000. Worked by hand: 10 in the base,
    /// 6 independent: 10 · 100 + 6 · 300 = £2,800. A place in the base saves 300 − 100 = £200,
    /// so the capacity row's dual is −200 and each demand row's is 300 (the marginal child goes
    /// independent).
    static func twoZones(capacity: Double = 10, lower: Double = -.infinity) -> (LinearProgram, [Int]) {
        var b = LinearProgram.Builder(name: "two-zones")
        let d1 = b.addRow(name: "demand1", lower: 8, upper: 8), d2 = b.addRow(name: "demand2", lower: 8, upper: 8)
        let cap = b.addRow(name: "capacity", lower: lower, upper: capacity)
        for (row, zone) in [(d1, 1), (d2, 2)] {
            let base = b.addColumn(name: "base\(zone)", cost: 100), independent = b.addColumn(name: "independent\(zone)", cost: 300)
            let unmet = b.addColumn(name: "unmet\(zone)", cost: 1000)
            b.add(row: row, column: base, 1); b.add(row: row, column: independent, 1); b.add(row: row, column: unmet, 1)
            b.add(row: cap, column: base, 1)
        }
        return (try! b.build(), [0, 1, -1])
    }

    @Test("two zones sharing a base: the hand-worked optimum, duals and a combination that verifies")
    func twoZonesByHand() throws {
        let (lp, blocks) = Self.twoZones()
        let solution = try #require(BlockDecomposition.solve(lp, rowBlock: blocks, timeLimit: nil))
        #expect(solution.method == .blocks)
        #expect(abs(solution.objective - 2800) < 1e-9)
        #expect(abs(solution.rowDuals[2] - -200) < 1e-9)
        #expect(abs(solution.rowDuals[0] - 300) < 1e-9 && abs(solution.rowDuals[1] - 300) < 1e-9)
        // Base places used: all 10, shared between the zones in some way.
        #expect(abs(solution.columnValues[0] + solution.columnValues[3] - 10) < 1e-9)
        let check = solution.verify(against: lp)
        #expect(check.passed && check.checkedDuals, "\(check.summary)")
    }

    @Test("a linking row no combination of the blocks can meet: no answer (the caller solves it another way)")
    func infeasibleLinking() {
        // At least 20 base places used, but only 16 children: infeasible.
        let (lp, blocks) = Self.twoZones(capacity: 30, lower: 20)
        #expect(BlockDecomposition.solve(lp, rowBlock: blocks, timeLimit: nil) == nil)
        // GLPK on the whole LP agrees that nothing is feasible.
        #expect((try? GLPKSolver(program: lp).solve())?.status == .infeasible)
    }

    @Test("an LP that does not decompose is refused: a column in two blocks, a block row that is not an equality")
    func refused() {
        let (lp, _) = Self.twoZones()
        // The linking row declared a block row of its own: base1 is then in blocks 0 and 2.
        #expect(BlockDecomposition.solve(lp, rowBlock: [0, 1, 2], timeLimit: nil) == nil)
        var ranged = lp
        ranged.rowUpper[0] = 9 // 8 to 9 children: not an equality, not a block this takes
        #expect(BlockDecomposition.solve(ranged, rowBlock: [0, 1, -1], timeLimit: nil) == nil)
    }

    /// min x1 + 2 x2 + 3 x3 + 10 s1 + 10 s2 subject to x1 + x2 + s1 = 4, x2 + x3 + s2 = 3, all
    /// ≥ 0. By hand: x2 covers both rows at 2 (cheaper than x1 + x3 = 4), so x2 = 3, then x1 = 1:
    /// cost 1 + 6 = 7; duals y1 = 1 (x1 basic), y2 = 1 (x2 basic: 2 = y1 + y2).
    @Test("the block simplex: a hand-worked LP, then new costs from the kept basis")
    func blockSimplexByHand() throws {
        // Columns x1, x2, x3, s1, s2 over rows 0, 1.
        var simplex = try #require(BlockSimplex(rows: 2, columnStart: [0, 1, 3, 4, 5, 6], rowIndex: [0, 0, 1, 1, 0, 1],
                                                value: [1, 1, 1, 1, 1, 1], rhs: [4, 3]))
        let ok1 = simplex.solve(cost: [1, 2, 3, 10, 10])
        #expect(ok1)
        #expect(abs(simplex.objective - 7) < 1e-12)
        #expect(abs(simplex.duals[0] - 1) < 1e-12 && abs(simplex.duals[1] - 1) < 1e-12)
        // x2 dearer (5): x1 = 4 and x3 = 3 instead, 4 + 9 = 13, from the last basis.
        let ok2 = simplex.solve(cost: [1, 5, 3, 10, 10])
        #expect(ok2)
        #expect(abs(simplex.objective - 13) < 1e-12)
        // Everything dearer than the slacks: all unmet, 70.
        let ok3 = simplex.solve(cost: [20, 30, 20, 10, 10])
        #expect(ok3)
        #expect(abs(simplex.objective - 70) < 1e-12)
    }

    @Test("the block simplex on a degenerate LP (every ratio 0) ends at the optimum")
    func blockSimplexDegenerate() throws {
        // Three rows with right-hand side 0 and columns covering pairs: every pivot is degenerate.
        var simplex = try #require(BlockSimplex(rows: 3, columnStart: [0, 2, 4, 6, 7, 8, 9], rowIndex: [0, 1, 1, 2, 0, 2, 0, 1, 2],
                                                value: [1, 1, 1, 1, 1, 1, 1, 1, 1], rhs: [0, 0, 0]))
        let ok4 = simplex.solve(cost: [-1, -1, -1, 0, 0, 0])
        #expect(ok4)
        #expect(abs(simplex.objective) < 1e-12)
    }

    @Test("blocks give the whole model's optimum on random scenarios (LPs), and the duals verify")
    func blocksEqualFull() async {
        // How many cases the decomposition itself answered (others fall back to GLPK on the whole
        // model: an option left integer, a block row that is not an equality).
        let applied = Locked(0), cases = Locked(0)
        await propertyCheck(count: PropertyTests.count, input: ScenarioGenome.generator) { genome in
            let scenario = try genome.decoded()
            let (a, b) = try PropertyTests.fullAnd(.blocks, scenario, options: SolverOptions(relax: true))
            #expect(a.report.status == b.report.status)
            if a.report.status == "optimal" {
                #expect(PropertyTests.close(a.report.objective, b.report.objective, 1e-9), "full \(a.report.objective ?? .nan) blocks \(b.report.objective ?? .nan)")
                #expect(b.report.verification.passed, "\(b.report.verification.summary)")
            }
            cases.withLock { $0 += 1 }
            if b.solution?.method == .blocks { applied.withLock { $0 += 1 } }
        }
        let (answered, total) = (applied.withLock { $0 }, cases.withLock { $0 })
        #expect(answered * 2 >= total, "the decomposition answered only \(answered) of \(total) cases: the property hardly tests it")
    }

    @Test("models with ages from the generator: decomposed by block, equal to GLPK on the whole model", arguments: Array<UInt64>(1...6))
    func generatedWithAges(seed: UInt64) throws {
        let generator = ScenarioGenerator(zones: 2 + Int(seed % 3), settings: 14, needs: 3, years: 2 + Int(seed % 3), options: 0, seed: seed, ages: 2 + Int(seed % 4))
        let files = try generator.generate(travelFileName: "t.csv")
        let folder = try TemporaryFolder()
        try folder.write("t.csv", files.travelCSV)
        let scenario = try ScenarioDecoder.load(path: folder.write("s.json", files.scenarioJSON))
        let (a, b) = try PropertyTests.fullAnd(.blocks, scenario)
        #expect(b.solution?.method == .blocks, "seed \(seed): \(b.solution?.method.rawValue ?? "none")")
        #expect(PropertyTests.close(a.report.objective, b.report.objective, 1e-9), "seed \(seed): full \(a.report.objective ?? .nan) blocks \(b.report.objective ?? .nan)")
        #expect(b.report.verification.passed && b.report.verification.model?.checkedDuals == true, "\(b.report.verification.summary)")
    }

    @Test("the shipped scenarios with ages decompose (incumbents leave right-hand sides a rounding below 0)")
    func shippedScenarios() throws {
        for name in ["leicestershire.json", "leicester-city.json", "tutorial-phases.json"] {
            let scenario = try ScenarioDecoder.load(path: CLI.scenario(name))
            let (a, b) = try PropertyTests.fullAnd(.blocks, scenario)
            #expect(b.solution?.method == .blocks, "\(name)")
            #expect(PropertyTests.close(a.report.objective, b.report.objective, 1e-9), "\(name): full \(a.report.objective ?? .nan) blocks \(b.report.objective ?? .nan)")
            #expect(b.report.verification.passed, "\(name): \(b.report.verification.summary)")
        }
    }

    @Test("a strategy asked for by name that does not apply is said: a usage error with --method interior, a note for a MIP")
    func strategyNotUsed() throws {
        let interior = try CLI.run(["solve", CLI.scenario("tutorial.json"), "--strategy", "blocks", "--method", "interior"])
        #expect(interior.status == 64 || interior.status == 1 || interior.status == 2, "\(interior.status)")
        #expect(interior.stderr.contains("--strategy blocks solves with the simplex"), "\(interior.stderr)")
        let mip = try CLI.run(["solve", CLI.scenario("leicester-city-capital.json"), "--strategy", "blocks", "--format", "json", "--compare-options", "off"])
        #expect(mip.status == 0, "\(mip.stderr)")
        #expect(mip.stdout.contains("--strategy blocks was not used: it solves LPs"), "no note")
    }
}
