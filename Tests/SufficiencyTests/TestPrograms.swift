import Foundation
@testable import Sufficiency

/// Small programmes whose optima are worked out by hand in the comments.
enum TestPrograms {
    /// Two sources (supply ≤ 20, ≤ 35), three destinations (demand ≥ 10, 25, 15).
    /// Costs: s1 → (2, 4, 5), s2 → (3, 1, 7).
    /// Optimum by the transportation method: x11 = 5, x13 = 15, x21 = 5, x22 = 25, cost 125.
    /// Duals from u_i + v_j = c_ij on the basis with s2 slack (u2 = 0):
    /// v1 = 3, v2 = 1, u1 = −1, v3 = 6; reduced costs x12 = 4, x23 = 1.
    static func transportation(demand1: Double = 10) throws -> LinearProgram {
        var b = LinearProgram.Builder(name: "transport")
        let costs: [[Double]] = [[2, 4, 5], [3, 1, 7]]
        let supply = [20.0, 35.0], demand = [demand1, 25.0, 15.0]
        let supplyRows = (0..<2).map { b.addRow(name: "supply[s\($0 + 1)]", upper: supply[$0]) }
        let demandRows = (0..<3).map { b.addRow(name: "demand[d\($0 + 1)]", lower: demand[$0]) }
        for i in 0..<2 {
            for j in 0..<3 {
                let c = b.addColumn(name: "x[s\(i + 1),d\(j + 1)]", cost: costs[i][j])
                b.add(row: supplyRows[i], column: c, 1)
                b.add(row: demandRows[j], column: c, 1)
            }
        }
        return try b.build()
    }

    /// 0/1 knapsack, capacity 10: values (10, 13, 7, 8), weights (5, 6, 3, 4).
    /// Feasible pairs: {1,3} 17, {1,4} 18, {2,3} 20, {2,4} 21, {3,4} 15; no triple fits. Optimum 21.
    static func knapsack() throws -> LinearProgram {
        var b = LinearProgram.Builder(name: "knapsack", sense: .maximize)
        let values = [10.0, 13, 7, 8], weights = [5.0, 6, 3, 4]
        let row = b.addRow(name: "weight", upper: 10)
        for k in 0..<4 {
            let c = b.addColumn(name: "take[\(k + 1)]", lower: 0, upper: 1, cost: values[k], integer: true)
            b.add(row: row, column: c, weights[k])
        }
        return try b.build()
    }

    /// min −x − y with x + y ≤ 2, x − y ≤ 0, x ≤ 1, y ≤ 1 (all rows): four rows meet at (1, 1),
    /// a degenerate vertex. Optimum −2.
    static func degenerate() throws -> LinearProgram {
        var b = LinearProgram.Builder(name: "degenerate")
        let x = b.addColumn(name: "x", cost: -1), y = b.addColumn(name: "y", cost: -1)
        let r1 = b.addRow(name: "sum", upper: 2), r2 = b.addRow(name: "diff", upper: 0)
        let r3 = b.addRow(name: "xcap", upper: 1), r4 = b.addRow(name: "ycap", upper: 1)
        b.add(row: r1, column: x, 1); b.add(row: r1, column: y, 1)
        b.add(row: r2, column: x, 1); b.add(row: r2, column: y, -1)
        b.add(row: r3, column: x, 1); b.add(row: r4, column: y, 1)
        return try b.build()
    }

    /// x + y ≥ 5 with 0 ≤ x, y ≤ 1: infeasible.
    static func infeasible() throws -> LinearProgram {
        var b = LinearProgram.Builder(name: "infeasible")
        let x = b.addColumn(name: "x", upper: 1), y = b.addColumn(name: "y", upper: 1)
        let r = b.addRow(name: "need", lower: 5)
        b.add(row: r, column: x, 1); b.add(row: r, column: y, 1)
        return try b.build()
    }

    /// min −x with x − y ≤ 1, x, y ≥ 0: unbounded along x = y → ∞.
    static func unbounded() throws -> LinearProgram {
        var b = LinearProgram.Builder(name: "unbounded")
        let x = b.addColumn(name: "x", cost: -1), y = b.addColumn(name: "y")
        let r = b.addRow(name: "link", upper: 1)
        b.add(row: r, column: x, 1); b.add(row: r, column: y, -1)
        return try b.build()
    }

    /// A market-split style MIP (Cornuéjols–Dawande): minimise the total deviation of
    /// 4 weighted sums of 36 binaries from half their weight. x = 0 is feasible, the LP bound is 0,
    /// and proving the integer optimum takes branch and cut far longer than a second.
    static func marketSplit(seed: UInt64 = 7) throws -> LinearProgram {
        var b = LinearProgram.Builder(name: "market-split")
        var state = seed
        func next() -> Int { state = state &* 6364136223846793005 &+ 1442695040888963407; return Int((state >> 33) % 100) }
        let columns = 36, rows = 4
        let weights = (0..<rows).map { _ in (0..<columns).map { _ in Double(next()) } }
        let xs = (0..<columns).map { b.addColumn(name: "x[\($0)]", upper: 1, integer: true) }
        for i in 0..<rows {
            let target = (weights[i].reduce(0, +) / 2).rounded(.down)
            let row = b.addRow(name: "split[\(i)]", lower: target, upper: target)
            for j in 0..<columns { b.add(row: row, column: xs[j], weights[i][j]) }
            let over = b.addColumn(name: "over[\(i)]", cost: 1), under = b.addColumn(name: "under[\(i)]", cost: 1)
            b.add(row: row, column: over, -1)
            b.add(row: row, column: under, 1)
        }
        return try b.build()
    }
}
