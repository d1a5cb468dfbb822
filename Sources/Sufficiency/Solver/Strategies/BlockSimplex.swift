/// The primal simplex for one small block LP of ``BlockDecomposition``: min c·x subject to
/// A x = b, x ≥ 0, with a dense inverse of the basis (a block has a few dozen rows: one per
/// age group and year of a zone and need). The basis is kept from solve to solve, so a new set
/// of costs starts from the last optimum (still feasible: only costs change) and takes a few
/// pivots; GLPK's set-up per call cost more than these solves on the 5-age bench model.
///
/// It starts from a basis of slack-like columns: each row needs a column whose only entry among
/// the rows is in that row and positive (the placement LP's unmet column), and b ≥ 0.
struct BlockSimplex {
    let rows: Int
    /// The block's columns (CSC over the block's own rows).
    let columnStart: [Int]
    let rowIndex: [Int]
    let value: [Double]
    let rhs: [Double]
    private(set) var basis: [Int]
    private var isBasic: [Bool]
    /// B⁻¹, row-major, and the basic values B⁻¹ b.
    private var inverse: [Double]
    private(set) var basicValue: [Double]
    /// Duals of the last optimum, y = c_B B⁻¹.
    private(set) var duals: [Double]
    private(set) var objective = 0.0
    var columns: Int { columnStart.count - 1 }

    /// Nil without a slack-like column for some row, or with a negative right-hand side (one
    /// below 0 by rounding only, as incumbents taken from demand leave, counts as 0).
    init?(rows: Int, columnStart: [Int], rowIndex: [Int], value: [Double], rhs: [Double]) {
        let largest = rhs.reduce(1.0) { max($0, abs($1)) }
        guard rhs.count == rows, rhs.allSatisfy({ $0 >= -1e-12 * largest && $0.isFinite }) else { return nil }
        self.rows = rows
        self.columnStart = columnStart
        self.rowIndex = rowIndex
        self.value = value
        self.rhs = rhs.map { max(0, $0) }
        let n = columnStart.count - 1
        var slack = [Int](repeating: -1, count: rows)
        for j in 0..<n where columnStart[j + 1] - columnStart[j] == 1 && value[columnStart[j]] > 0 {
            let i = rowIndex[columnStart[j]]
            if slack[i] < 0 { slack[i] = j }
        }
        guard !slack.contains(-1) else { return nil }
        basis = slack
        isBasic = [Bool](repeating: false, count: n)
        for j in slack { isBasic[j] = true }
        inverse = []
        basicValue = []
        duals = [Double](repeating: 0, count: rows)
        guard refactor() else { return nil }
    }

    /// Recomputes B⁻¹ (Gauss–Jordan with partial pivoting) and x_B; false if B is singular.
    private mutating func refactor() -> Bool {
        let m = rows
        var a = [Double](repeating: 0, count: m * m) // B, row-major
        for (k, j) in basis.enumerated() {
            for e in columnStart[j]..<columnStart[j + 1] { a[rowIndex[e] * m + k] = value[e] }
        }
        var inv = [Double](repeating: 0, count: m * m)
        for i in 0..<m { inv[i * m + i] = 1 }
        for col in 0..<m {
            var pivotRow = col, best = abs(a[col * m + col])
            for r in (col + 1)..<max(col + 1, m) where abs(a[r * m + col]) > best { best = abs(a[r * m + col]); pivotRow = r }
            guard best > 1e-12 else { return false }
            if pivotRow != col {
                for c in 0..<m { a.swapAt(col * m + c, pivotRow * m + c); inv.swapAt(col * m + c, pivotRow * m + c) }
            }
            let p = a[col * m + col]
            for c in 0..<m { a[col * m + c] /= p; inv[col * m + c] /= p }
            for r in 0..<m where r != col {
                let f = a[r * m + col]
                guard f != 0 else { continue }
                for c in 0..<m { a[r * m + c] -= f * a[col * m + c]; inv[r * m + c] -= f * inv[col * m + c] }
            }
        }
        // Row k of B⁻¹ belongs to basis position k.
        inverse = inv
        basicValue = (0..<m).map { k in
            var v = 0.0
            for i in 0..<m { v += inv[k * m + i] * rhs[i] }
            return max(0, v) // rounding below 0 is 0 (the basis was feasible)
        }
        return true
    }

    /// Minimises `cost` from the current basis; false if it fails (unbounded, singular, too
    /// many pivots), leaving the block to be solved another way.
    mutating func solve(cost: [Double]) -> Bool {
        let m = rows, n = columns
        let scale = max(1, cost.reduce(0) { max($0, abs($1)) })
        let optimality = 1e-11 * scale
        // B⁻¹ carries over from the last solve (costs do not change it); it is recomputed every
        // 50 pivots against drift.
        var pivots = 0, degenerate = 0
        var w = [Double](repeating: 0, count: m)
        while true {
            // y = c_B B⁻¹
            for i in 0..<m { duals[i] = 0 }
            for k in 0..<m {
                let ck = cost[basis[k]]
                guard ck != 0 else { continue }
                for i in 0..<m { duals[i] += ck * inverse[k * m + i] }
            }
            // Entering: the most negative reduced cost (Bland's smallest index after many
            // degenerate pivots in a row, against cycling).
            let bland = degenerate > 50
            var entering = -1, most = -optimality
            columnStart.withUnsafeBufferPointer { start in
                rowIndex.withUnsafeBufferPointer { row in
                    value.withUnsafeBufferPointer { a in
                        duals.withUnsafeBufferPointer { y in
                            isBasic.withUnsafeBufferPointer { basic in
                                cost.withUnsafeBufferPointer { c in
                                    for j in 0..<n where !basic[j] {
                                        var d = c[j]
                                        for e in start[j]..<start[j + 1] { d -= a[e] * y[row[e]] }
                                        if d < most { entering = j; most = d; if bland { break } }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            if entering < 0 { break }
            // w = B⁻¹ a_q; leaving by the ratio test, the largest pivot among near ties.
            for k in 0..<m {
                var v = 0.0
                for e in columnStart[entering]..<columnStart[entering + 1] { v += inverse[k * m + rowIndex[e]] * value[e] }
                w[k] = v
            }
            let largest = w.reduce(0) { max($0, abs($1)) }
            var leave = -1, ratio = Double.infinity
            for k in 0..<m where w[k] > 1e-9 * max(1, largest) {
                let r = basicValue[k] / w[k]
                if r < ratio - 1e-12 || (r <= ratio + 1e-12 && leave >= 0 && (bland ? basis[k] < basis[leave] : w[k] > w[leave])) {
                    ratio = min(ratio, r); leave = k
                }
            }
            guard leave >= 0 else { return false } // unbounded: not a block this takes
            degenerate = ratio <= 1e-12 ? degenerate + 1 : 0
            // Pivot: x_B, then B⁻¹ by the elementary row operations of the pivot.
            let p = w[leave]
            for k in 0..<m where k != leave { basicValue[k] = max(0, basicValue[k] - ratio * w[k]) }
            basicValue[leave] = ratio
            for i in 0..<m { inverse[leave * m + i] /= p }
            for k in 0..<m where k != leave && w[k] != 0 {
                let f = w[k]
                for i in 0..<m { inverse[k * m + i] -= f * inverse[leave * m + i] }
            }
            isBasic[basis[leave]] = false
            basis[leave] = entering
            isBasic[entering] = true
            pivots += 1
            if pivots % 50 == 0 { guard refactor() else { return false } }
            if pivots > 50 * (m + n) { return false }
        }
        objective = (0..<m).reduce(0.0) { $0 + cost[basis[$1]] * basicValue[$1] }
        return true
    }
}
