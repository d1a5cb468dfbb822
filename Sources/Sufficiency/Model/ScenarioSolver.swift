import Foundation

/// Runs the whole chain for one scenario: build the model, solve it with GLPK, verify the
/// answer in Swift and build the report.
public struct ScenarioSolver {
    public var options: SolverOptions

    public init(options: SolverOptions = SolverOptions()) { self.options = options }

    /// The result of one run.
    public struct Run: Sendable {
        public var model: PlacementModel
        public var solution: Solution?
        public var report: Report
    }

    /// Solves `scenario`. Infeasible or unbounded scenarios are results, not errors; only an
    /// internal inconsistency (a bug) throws.
    public func run(_ scenario: Scenario) throws -> Run {
        let clock = ContinuousClock()
        let buildStart = clock.now
        let model = try PlacementModel(scenario: scenario, relax: options.relax)
        let buildSeconds = (clock.now - buildStart).seconds
        var statistics = Report.SolverStatistics(
            glpk: GLPKSolver.version, method: "none", rows: model.program.rowCount, columns: model.program.columnCount,
            nonzeros: model.program.nonzeroCount, integerColumns: model.program.integerCount, iterations: 0, nodes: 0,
            mipGap: nil, buildSeconds: buildSeconds, solveSeconds: nil, verifySeconds: nil)

        // Conflicts found while building (a minimum above a maximum) need no solver.
        guard model.conflicts.isEmpty else {
            let report = Report(model: model, solution: nil, verification: nil, explanation: Infeasibility.explain(model), statistics: statistics)
            return Run(model: model, solution: nil, report: report)
        }
        let solver = try GLPKSolver(program: model.program)
        let solution = try solver.solve(options)
        statistics.method = solution.method.rawValue
        statistics.iterations = solution.iterations
        statistics.nodes = solution.nodes
        statistics.mipGap = solution.mipGap
        statistics.solveSeconds = solution.solveSeconds

        var verification: Verification?
        var explanation: [String] = []
        let verifyStart = clock.now
        if solution.status.hasSolution {
            // Interior point stops at a tolerance of its own: hold it to a looser one.
            verification = solution.verify(against: model.program, tolerance: solution.method == .interior ? 1e-5 : 1e-6)
        } else if solution.status == .infeasible {
            explanation = Infeasibility.explain(model)
        } else if solution.status == .noSolutionInTime {
            explanation = ["the time limit ran out before any plan that meets every rule was found"]
        }
        var report = Report(model: model, solution: solution, verification: verification, explanation: explanation, statistics: statistics)
        report.solver.verifySeconds = (clock.now - verifyStart).seconds
        return Run(model: model, solution: solution, report: report)
    }
}
