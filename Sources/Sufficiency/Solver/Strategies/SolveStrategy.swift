import Foundation

/// How one programme is solved, written against ``LPSolver``: an LP by the backend (or by
/// ``Sifting`` when asked); a MIP by the backend's branch and cut, then its duals from the LP with
/// the integers fixed — by sifting from the columns the plan uses, which is much cheaper on
/// large placement models, else by the backend's own fixed-LP solve.
public enum SolveStrategy {
    public static func solve(_ program: LinearProgram, options: SolverOptions, backend: SolverBackend = .glpk) throws -> Solution {
        try solve(with: backend.make(program), options: options, backend: backend)
    }

    /// Solves with an existing solver (warm when its state allows).
    public static func solve(with solver: any LPSolver, options: SolverOptions, backend: SolverBackend = .glpk) throws -> Solution {
        let program = solver.program
        guard program.isMIP && !options.relax else { return try solver.solve(options) }
        let clock = ContinuousClock()
        let start = clock.now
        var branchAndCut = options
        branchAndCut.fixedLPDuals = false
        var solution = try solver.solve(branchAndCut)
        guard solution.status.hasSolution else { return solution }
        // The duals get what is left of the limit (a little at least, so the plan is not lost for want of them).
        var left = options
        left.timeLimit = options.timeLimit.map { $0 - (clock.now - start).seconds }
        let remaining = left.secondsLeft.map { max(0.05, $0) }
        let tolerance = 1e-7 * max(1, abs(solution.objective))
        let rootBasis = solution.basis
        if let sifted = FixedLPSifting.solve(program, mip: solution, timeLimit: remaining, backend: backend, cancellation: options.cancellation),
           sifted.objective <= solution.objective + tolerance {
            solution = sifted
        } else {
            solution = try solver.withFixedLPDuals(solution, timeLimit: remaining)
        }
        solution.solveSeconds = (clock.now - start).seconds
        solution.basis = rootBasis
        return solution
    }
}
