import Testing
@testable import Sufficiency

@Suite("LinearProgram")
struct LinearProgramTests {
    @Test("the builder sorts triplets and merges duplicates")
    func builderMerges() throws {
        var b = LinearProgram.Builder()
        let x = b.addColumn(name: "x"), y = b.addColumn(name: "y")
        let r0 = b.addRow(name: "r0", upper: 1), r1 = b.addRow(name: "r1", upper: 1)
        b.add(row: r1, column: x, 2)
        b.add(row: r0, column: x, 1)
        b.add(row: r1, column: x, 3)
        b.add(row: r0, column: y, 1)
        b.add(row: r0, column: y, -1)
        let lp = try b.build()
        #expect(lp.columnStart == [0, 2, 2])
        #expect(lp.rowIndex == [0, 1])
        #expect(lp.value == [1, 5])
        try lp.validate()
        var bad = LinearProgram.Builder()
        bad.addColumn(name: "x")
        bad.add(row: 3, column: 0, 1)
        #expect(throws: LinearProgramError.self) { try bad.build() }
    }

    /// Each broken programme must be rejected by `validate()` and by the solver's initialiser,
    /// before GLPK sees it (GLPK would abort the process).
    @Test("validate rejects what GLPK would abort on", arguments: Corruption.allCases)
    func rejects(_ corruption: Corruption) throws {
        var lp = try TestPrograms.transportation()
        corruption.apply(to: &lp)
        #expect(throws: LinearProgramError.self) { try lp.validate() }
        #expect(throws: GLPKError.self) { try GLPKSolver(program: lp) }
    }

    enum Corruption: CaseIterable, Sendable {
        case nanCost, infiniteCost, nanMatrixValue, infiniteMatrixValue, crossedColumnBounds, crossedRowBounds
        case lowerPlusInfinity, upperMinusInfinity, nanBound, rowOutOfRange, negativeRow, duplicateEntry
        case unsortedEntries, columnStartsWrong, columnStartsDecreasing, missingBounds, longName, controlCharacterName
        case fractionalIntegerBound, nonFiniteConstant

        func apply(to lp: inout LinearProgram) {
            switch self {
            case .nanCost: lp.objective[0] = .nan
            case .infiniteCost: lp.objective[1] = -.infinity
            case .nanMatrixValue: lp.value[0] = .nan
            case .infiniteMatrixValue: lp.value[3] = .infinity
            case .crossedColumnBounds: lp.columnLower[2] = 5; lp.columnUpper[2] = 4
            case .crossedRowBounds: lp.rowLower[0] = 30
            case .lowerPlusInfinity: lp.columnLower[0] = .infinity
            case .upperMinusInfinity: lp.rowUpper[3] = -.infinity
            case .nanBound: lp.rowLower[1] = .nan
            case .rowOutOfRange: lp.rowIndex[2] = 5
            case .negativeRow: lp.rowIndex[0] = -1
            case .duplicateEntry: lp.rowIndex[1] = lp.rowIndex[0]
            case .unsortedEntries: lp.rowIndex.swapAt(0, 1)
            case .columnStartsWrong: lp.columnStart.removeLast()
            case .columnStartsDecreasing: lp.columnStart[2] = 1; lp.columnStart[3] = 0
            case .missingBounds: lp.rowUpper.removeLast()
            case .longName: lp.columnNames[0] = String(repeating: "x", count: 256)
            case .controlCharacterName: lp.rowNames[0] = "supply\u{0}s1"
            case .fractionalIntegerBound: lp.isInteger[0] = true; lp.columnUpper[0] = 2.5
            case .nonFiniteConstant: lp.objectiveConstant = .nan
            }
        }
    }
}

@Suite("Verification")
struct VerificationTests {
    @Test("verify catches a corrupted primal value, objective, dual and integrality")
    func catchesCorruption() throws {
        let lp = try TestPrograms.transportation()
        let good = try GLPKSolver(program: lp).solve()
        #expect(good.verify(against: lp).passed)

        var shifted = good
        shifted.columnValues[0] -= 1 // d1 gets 9 < 10 and the objective no longer matches
        let v1 = shifted.verify(against: lp)
        #expect(!v1.passed)
        #expect(v1.failures.contains { $0.kind == .rowBound && $0.name == "demand[d1]" && abs($0.amount - 1) < 1e-9 })
        #expect(v1.failures.contains { $0.kind == .objective })

        var wrongObjective = good
        wrongObjective.objective += 0.01
        #expect(wrongObjective.verify(against: lp).failures.map(\.kind) == [.objective])

        var wrongDual = good
        wrongDual.rowDuals[0] = 1 // a ≤ row with a positive dual: wrong sign, reduced costs inconsistent
        let v3 = wrongDual.verify(against: lp)
        #expect(v3.failures.contains { $0.kind == .dualFeasibility && $0.name == "supply[s1]" })
        #expect(v3.failures.contains { $0.kind == .reducedCost })

        var slack = good
        slack.rowDuals[1] = -2 // s2 has slack 5, so its dual must be 0
        slack.reducedCosts = zip(slack.reducedCosts, [0.0, 0, 0, 2, 2, 2]).map { $0 + $1 }
        #expect(slack.verify(against: lp).failures.contains { $0.kind == .complementarySlackness && $0.name == "supply[s2]" })

        let knapsack = try TestPrograms.knapsack()
        var fractional = try GLPKSolver(program: knapsack).solve()
        fractional.columnValues[3] = 0.5
        fractional.objective = 13 + 4
        #expect(fractional.verify(against: knapsack).failures.map(\.kind) == [.integrality])
    }

    @Test("a MIP's duals come from the LP with integers fixed, and verify")
    func mipDuals() throws {
        // min 7y + x, x + 10y ≥ 15, x ≤ 8, y integer in [0, 3]: y = 0 cannot cover 15,
        // y = 1 with x = 5 costs 12, y = 2 costs 14: optimum 12, and the cover row's dual is x's cost, 1.
        var b = LinearProgram.Builder()
        let x = b.addColumn(name: "x", upper: 8, cost: 1)
        let y = b.addColumn(name: "y", upper: 3, cost: 7, integer: true)
        let r = b.addRow(name: "cover", lower: 15)
        b.add(row: r, column: x, 1); b.add(row: r, column: y, 10)
        let lp = try b.build()
        let solution = try GLPKSolver(program: lp).solve()
        #expect(solution.status == .optimal)
        #expect(abs(solution.objective - 12) < 1e-9)
        #expect(solution.dualsFromFixedLP)
        #expect(abs(solution.rowDuals[0] - 1) < 1e-9) // one more unit of cover costs one more x
        #expect(solution.verify(against: lp).passed)
    }
}
