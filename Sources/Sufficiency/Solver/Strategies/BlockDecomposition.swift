import Foundation
/// Dantzig–Wolfe decomposition of an LP whose rows fall into independent blocks joined by a few
/// linking rows: the placement LP's demand rows of one (zone, need) — every age group and year —
/// hold only that zone and need's columns, and the capacity, policy and spend rows join them.
///
/// A master LP over the linking rows chooses, for each block, a convex combination of the
/// block's solutions found so far (its proposals); each round, every block's own small LP is
/// solved at the costs less the master's linking duals, and a solution that prices out joins the
/// master. When none does, the combination is optimal for the whole LP: the linking duals and
/// each block's own duals together are dual feasible (each block LP is optimal) with the same
/// objective. The simplex then works on LPs whose sizes do not grow with the number of age
/// groups (the master's rows are the linking rows and one per block), which is what keeps the
/// cost of ages near linear (SPEC §7).
///
/// The first proposals are each block's cheapest solution at its own costs, which may break the
/// linking rows: artificial columns on them, at a cost M per unit, keep the master feasible
/// (a big-M start, one phase). M starts at ten times the largest cost, above any dual the
/// placement LP's rows take in practice (a child over capacity costs at most an unmet child);
/// if the optimum still uses an artificial, M grows a hundredfold and the rounds go on, and
/// past 10¹⁰ times the largest cost the LP counts as infeasible (nil: the caller's other solve
/// gives the definite answer). The answer returned never uses an artificial.
///
/// Nil when the LP does not decompose (a column in two blocks, a block column not [0, ∞), a block row not
/// an equality, an unbounded block, an infeasible block or whole LP, a MIP, a maximisation) or out of time: the
/// caller then solves it another way, which gives the definite status.
public enum BlockDecomposition {
    /// - Parameters:
    ///   - rowBlock: each row's block (0-based), or -1 for a linking row.
    public static func solve(_ program: LinearProgram, rowBlock: [Int], timeLimit: Double?, backend: SolverBackend = .glpk,
                             cancellation: Cancellation? = nil) -> Solution? {
        guard program.sense == .minimize, !program.isMIP, rowBlock.count == program.rowCount else { return nil }
        let clock = ContinuousClock(), start = clock.now
        func secondsLeft() -> Double? { timeLimit.map { $0 - (clock.now - start).seconds } }
        guard let layout = Layout(program, rowBlock: rowBlock) else { return nil }
        let B = layout.blockRows.count, n = program.columnCount

        // The blocks' own LPs, each kept from round to round with its basis (``BlockSimplex``).
        var blocks: [BlockSimplex] = []
        blocks.reserveCapacity(B)
        for b in 0..<B {
            var columnStart = [0], rowIndex: [Int] = [], value: [Double] = []
            for j in layout.blockColumns[b] {
                guard program.columnLower[j] == 0, program.columnUpper[j] == .infinity else { return nil }
                for e in program.columnStart[j]..<program.columnStart[j + 1] where rowBlock[program.rowIndex[e]] == b {
                    rowIndex.append(layout.localRow[program.rowIndex[e]])
                    value.append(program.value[e])
                }
                columnStart.append(rowIndex.count)
            }
            let rows = layout.blockRows[b]
            guard rows.allSatisfy({ program.rowLower[$0] == program.rowUpper[$0] }),
                  let block = BlockSimplex(rows: rows.count, columnStart: columnStart, rowIndex: rowIndex, value: value, rhs: rows.map { program.rowLower[$0] })
            else { return nil }
            blocks.append(block)
        }

        // The master: the linking rows, then one convexity row per block.
        let L = layout.linkingRows.count
        let scale = max(1, program.objective.reduce(0) { max($0, abs($1)) })
        var penalty = 10 * scale
        var builder = LinearProgram.Builder(name: "master")
        for i in layout.linkingRows { builder.addRow(name: "", lower: program.rowLower[i], upper: program.rowUpper[i]) }
        for _ in 0..<B { builder.addRow(name: "", lower: 1, upper: 1) }
        // Columns in no block stay themselves in the master.
        for j in layout.masterColumns {
            let k = builder.addColumn(name: "", lower: program.columnLower[j], upper: program.columnUpper[j], cost: program.objective[j])
            for e in program.columnStart[j]..<program.columnStart[j + 1] { builder.add(row: layout.localRow[program.rowIndex[e]], column: k, program.value[e]) }
        }
        // Artificial columns: one each way on every linking row, at the penalty.
        var artificials: [Int] = []
        for r in 0..<L {
            for sign in [1.0, -1.0] {
                let k = builder.addColumn(name: "", lower: 0, upper: .infinity, cost: penalty)
                builder.add(row: r, column: k, sign)
                artificials.append(k)
            }
        }
        guard let masterLP = try? builder.build(), let master = try? backend.make(masterLP) else { return nil }
        let firstProposal = masterLP.columnCount

        // Proposals: a block's solution (its nonzero columns), its cost and its block.
        var proposalBlock: [Int] = [], proposalCost: [Double] = []
        var proposalStart = [0], proposalColumn: [Int32] = [], proposalValue: [Double] = []
        var pricedOut = [Bool](repeating: true, count: B)
        var seen = [Set<Proposal>](repeating: [], count: B)

        /// Solves every block at `cost(j) − π·a_j` and adds the solutions that price out (below
        /// the block's convexity dual σ), or every one with `all`; returns how many joined.
        func price(duals y: [Double], all: Bool = false, blocksToPrice: [Int], solving: Bool = true) -> Int? {
            let tolerance = 1e-9
            var lower: [Double] = [], upper: [Double] = [], proposalCosts: [Double] = [], entries: [[(row: Int, value: Double)]] = []
            var solvedOK = [Bool](repeating: true, count: blocksToPrice.count)
            if solving {
                // The blocks are independent: solved on every core, each block by one thread
                // (their answers do not depend on which, so the result is the same every run).
                let workers = max(1, min(ProcessInfo.processInfo.activeProcessorCount, blocksToPrice.count / 16))
                blocks.withUnsafeMutableBufferPointer { blockStore in
                    solvedOK.withUnsafeMutableBufferPointer { ok in
                        let store = Disjoint(base: blockStore), done = Disjoint(base: ok)
                        DispatchQueue.concurrentPerform(iterations: workers) { worker in
                            var k = worker
                            while k < blocksToPrice.count {
                                let b = blocksToPrice[k], columns = layout.blockColumns[b]
                                var cost = [Double](repeating: 0, count: columns.count)
                                for (c, j) in columns.enumerated() {
                                    var d = program.objective[j]
                                    for e in layout.linkStart[j]..<layout.linkStart[j + 1] { d -= layout.linkValue[e] * y[Int(layout.linkRow[e])] }
                                    cost[c] = d
                                }
                                done.base[k] = store.base[b].solve(cost: cost)
                                k += workers
                            }
                        }
                    }
                }
            }
            guard !solvedOK.contains(false) else { return nil }
            for b in blocksToPrice {
                let columns = layout.blockColumns[b]
                let value = blocks[b].objective
                let sigma = y[L + b]
                pricedOut[b] = all || value - sigma < -tolerance * max(1, abs(sigma), abs(value))
                guard pricedOut[b] else { continue }
                // A solution the master has already: it prices out only by rounding (the master
                // did not take it at these duals), so it is not added again and the block counts
                // as priced. Without this an infeasible LP's huge penalties went round 10,000 times.
                let support = blocks[b].basis.indices.filter { blocks[b].basicValue[$0] != 0 }.sorted { blocks[b].basis[$0] < blocks[b].basis[$1] }
                let key = Proposal(columns: support.map { Int32(blocks[b].basis[$0]) }, values: support.map { blocks[b].basicValue[$0] })
                guard seen[b].insert(key).inserted else { pricedOut[b] = false; continue }
                // The proposal: its cost, its use of the linking rows, 1 in its convexity row.
                var trueCost = 0.0
                var link: [Int: Double] = [:]
                for (local, v) in zip(key.columns, key.values) {
                    let j = columns[Int(local)]
                    trueCost += program.objective[j] * v
                    proposalColumn.append(Int32(j))
                    proposalValue.append(v)
                    for e in layout.linkStart[j]..<layout.linkStart[j + 1] { link[Int(layout.linkRow[e]), default: 0] += layout.linkValue[e] * v }
                }
                proposalStart.append(proposalColumn.count)
                proposalBlock.append(b)
                proposalCost.append(trueCost)
                lower.append(0); upper.append(.infinity); proposalCosts.append(trueCost)
                entries.append(link.sorted { $0.key < $1.key }.map { (row: $0.key, value: $0.value) } + [(row: L + b, value: 1)])
            }
            if !entries.isEmpty { guard (try? master.addColumns(lower: lower, upper: upper, cost: proposalCosts, entries: entries)) != nil else { return nil } }
            return entries.count
        }

        var iterations = 0, rounds = 0
        // The first proposals: each block's slack solution (every row by its slack column: for
        // the placement LP every child unmet, which fits every capacity), and its cheapest at its
        // own costs. Measured on the 5-age bench model: with the slack solutions 3 fewer rounds.
        guard price(duals: [Double](repeating: 0, count: L + B), all: true, blocksToPrice: Array(0..<B), solving: false) != nil,
              price(duals: [Double](repeating: 0, count: L + B), all: true, blocksToPrice: Array(0..<B)) != nil else { return nil }
        let rhsScale = layout.linkingRows.reduce(1.0) { m, i in max(m, program.rowLower[i].isFinite ? abs(program.rowLower[i]) : 0, program.rowUpper[i].isFinite ? abs(program.rowUpper[i]) : 0) }
        var solved: Solution
        while true {
            rounds += 1
            if cancellation?.isCancelled == true { return nil }
            if let left = secondsLeft(), left <= 0 { return nil }
            var options = SolverOptions(lpMethod: .primalSimplex, presolve: false, timeLimit: secondsLeft().map { max(0.1, $0) })
            options.reportsProgress = false
            guard let answer = try? master.solve(options), answer.status == .optimal, answer.hasDuals else { return nil }
            solved = answer
            iterations += answer.iterations
            Progress.report("decomposition by block: round \(rounds), \(proposalBlock.count) proposals")
            // Partial pricing: only the blocks that priced out last time, until none of them
            // does; then every block (and every fifth round), so the optimum is proved over all.
            let candidates = (0..<B).filter { pricedOut[$0] }
            let full = candidates.isEmpty || rounds % 5 == 0
            guard var added = price(duals: answer.rowDuals, blocksToPrice: full ? Array(0..<B) : candidates) else { return nil }
            if added == 0 && !full {
                guard let more = price(duals: answer.rowDuals, blocksToPrice: Array(0..<B)) else { return nil }
                added = more
            }
            if added == 0 {
                // Nothing prices out: optimal at this penalty. Artificials still used mean the
                // penalty was too small, or the LP is infeasible.
                let used = artificials.reduce(0.0) { $0 + answer.columnValues[$1] }
                if used <= 1e-9 * rhsScale { break }
                penalty *= 100
                if penalty > 1e10 * scale { return nil }
                for k in artificials { guard (try? master.setObjectiveCoefficient(column: k, to: penalty)) != nil else { return nil } }
            }
            if rounds > 5_000 { return nil }
        }

        // The whole LP's solution: each block's combination of proposals, the master's own columns.
        var x = [Double](repeating: 0, count: n)
        for (k, j) in layout.masterColumns.enumerated() { x[j] = solved.columnValues[k] }
        for p in 0..<proposalBlock.count {
            let lambda = solved.columnValues[firstProposal + p]
            guard lambda != 0 else { continue }
            for e in proposalStart[p]..<proposalStart[p + 1] { x[Int(proposalColumn[e])] += lambda * proposalValue[e] }
        }
        // Duals: the master's on the linking rows, each block's own on its rows.
        var y = [Double](repeating: 0, count: program.rowCount)
        for (r, i) in layout.linkingRows.enumerated() { y[i] = solved.rowDuals[r] }
        for b in 0..<B { for (r, i) in layout.blockRows[b].enumerated() { y[i] = blocks[b].duals[r] } }
        var solution = Solution(status: .optimal, outcome: .completed, method: .blocks)
        solution.columnValues = x
        solution.rowActivities = program.rowActivities(x)
        solution.rowDuals = y
        solution.reducedCosts = program.reducedCosts(y)
        solution.objective = program.objectiveValue(x)
        solution.hasDuals = true
        solution.iterations = iterations
        solution.solveSeconds = (clock.now - start).seconds
        return solution
    }

    /// Which rows and columns are in which block, and each column's entries in the linking rows.
    struct Layout {
        var blockRows: [[Int]]
        var blockColumns: [[Int]]
        var linkingRows: [Int]
        /// Columns in no block (they touch linking rows only).
        var masterColumns: [Int]
        /// A row's position in its block, or a linking row's among the linking rows.
        var localRow: [Int]
        /// Each column's entries in linking rows (by position among them), as CSC.
        var linkStart: [Int], linkRow: [Int32], linkValue: [Double]

        init?(_ program: LinearProgram, rowBlock: [Int]) {
            let m = program.rowCount, n = program.columnCount
            let B = (rowBlock.max() ?? -1) + 1
            guard B > 0 else { return nil }
            blockRows = [[Int]](repeating: [], count: B)
            linkingRows = []
            localRow = [Int](repeating: 0, count: m)
            for i in 0..<m {
                if rowBlock[i] < 0 { localRow[i] = linkingRows.count; linkingRows.append(i) }
                else { localRow[i] = blockRows[rowBlock[i]].count; blockRows[rowBlock[i]].append(i) }
            }
            blockColumns = [[Int]](repeating: [], count: B)
            masterColumns = []
            linkStart = [0]; linkRow = []; linkValue = []
            linkStart.reserveCapacity(n + 1)
            for j in 0..<n {
                var block = -1
                for e in program.columnStart[j]..<program.columnStart[j + 1] {
                    let i = program.rowIndex[e]
                    if rowBlock[i] < 0 {
                        linkRow.append(Int32(localRow[i]))
                        linkValue.append(program.value[e])
                        continue
                    }
                    if block >= 0 && block != rowBlock[i] { return nil } // in two blocks
                    block = rowBlock[i]
                }
                linkStart.append(linkRow.count)
                if block < 0 { masterColumns.append(j) } else { blockColumns[block].append(j) }
            }
        }
    }
}

/// A block's solution: its nonzero columns (the block's own numbering, increasing) and values.
private struct Proposal: Hashable {
    var columns: [Int32]
    var values: [Double]
}

/// Storage the threads of one `concurrentPerform` write apart: each element by one thread only.
private struct Disjoint<Element>: @unchecked Sendable {
    let base: UnsafeMutableBufferPointer<Element>
}
