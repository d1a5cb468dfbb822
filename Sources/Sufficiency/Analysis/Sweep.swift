import Foundation

/// Re-solves a scenario over a range of one input, warm-starting each LP from the previous basis:
/// the model is rebuilt in Swift (cheap), and when its structure is unchanged only the costs and
/// bounds that differ are pushed into the same GLPK problem, which the simplex then re-optimises
/// from where it stopped.
public struct Sweep {
    public var options: SolverOptions
    /// Rebuild the GLPK problem at every point (for comparison with the warm start).
    public var cold: Bool
    /// The solver backend.
    public var backend: SolverBackend = .glpk

    public init(options: SolverOptions = SolverOptions(), cold: Bool = false) {
        self.options = options
        self.cold = cold
    }

    public struct Point: Sendable {
        public var value: Double
        public var report: Report
        /// Whether the point re-used the previous point's GLPK problem and basis.
        public var warm: Bool
        public var iterations: Int
        public var solveSeconds: Double
    }

    /// The most points one sweep solves.
    public static let maxPoints = 10_000

    /// Why a range was refused.
    public struct RangeProblem: Error, Equatable, Sendable { public var message: String }

    /// `FROM..TO:STEP` → the values, inclusive of TO when the steps land on it, or the reason not.
    public static func parseRange(_ text: String) -> Result<[Double], RangeProblem> {
        func problem(_ message: String) -> Result<[Double], RangeProblem> { .failure(RangeProblem(message: message)) }
        let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2 else { return problem("give FROM..TO:STEP, e.g. 50000..80000:5000") }
        let bounds = parts[0].components(separatedBy: "..")
        guard bounds.count == 2, let from = Double(bounds[0]), let to = Double(bounds[1]) else { return problem("FROM..TO must be two numbers, got \(parts[0])") }
        guard let step = Double(parts[1]) else { return problem("STEP must be a number, got \(parts[1])") }
        guard from.isFinite, to.isFinite, step.isFinite else { return problem("FROM, TO and STEP must be finite numbers") }
        guard to >= from else { return problem("FROM (\(formatGeneral(from))) must not be above TO (\(formatGeneral(to)))") }
        guard step > 0 else { return problem("STEP must be > 0, got \(formatGeneral(step))") }
        let steps = (to - from) / step + 1e-9
        guard steps.isFinite, steps < Double(maxPoints) else {
            return problem("that is more than \(maxPoints) points (\(formatGeneral(steps.rounded(.down) + 1))); take a larger STEP")
        }
        let count = Int(steps.rounded(.down)) + 1
        // from + k · step carries binary noise (0.1 + 2 · 0.1 = 0.30000000000000004): each point
        // is rounded to 12 significant digits, which every decimal a person types survives.
        return .success((0..<count).map { k in
            let value = from + Double(k) * step
            return Double(String(format: "%.12g", value)) ?? value
        })
    }

    /// A swept value as a reader sees it: whole numbers with separators, the minus sign −.
    public static func label(_ value: Double) -> String {
        if value == value.rounded() && abs(value) < 1e15 { return ReportText.money(value) }
        let text = "\(value)"
        return text.hasPrefix("-") ? "−" + text.dropFirst() : text
    }

    /// `FROM..TO:STEP` → the values, or nil when the range is not valid (see ``parseRange(_:)``).
    public static func values(_ text: String) -> [Double]? { try? parseRange(text).get() }

    public func run(path: String, vary: String, values: [Double], maxInputBytes: Int = ScenarioDecoder.Limits.defaultMaxInputBytes,
                    progress: (Point) -> Void = { _ in }) throws -> [Point] {
        var points: [Point] = []
        var solver: (any LPSolver)?
        // A MIP point starts its root LP from the last point's root basis when the shape is the same.
        var mipBasis: (shape: BasisStore.Shape, basis: LPBasis)?
        for value in values {
            let edit = try ScenarioEdit(path: vary, number: value)
            let scenario = try ScenarioDecoder.load(path: path, edits: [edit], maxInputBytes: maxInputBytes)
            let buildStart = ContinuousClock().now
            let model = try PlacementModel(scenario: scenario, relax: options.relax)
            let buildSeconds = (ContinuousClock().now - buildStart).seconds
            var warm = false
            var solveOptions = options
            if !cold, !model.program.isMIP || options.relax, let current = solver, Self.sameStructure(current.program, model.program) {
                try Self.update(current, to: model.program)
                warm = true
                // The presolver would discard the basis: re-optimise from it.
                solveOptions.presolve = false
            } else {
                solver = try backend.make(model.program)
            }
            var shape: BasisStore.Shape?
            if !cold, model.program.isMIP, !options.relax, options.lpMethod != .interior {
                shape = BasisStore.Shape(model.program)
                solveOptions.keepBasis = true
                if let last = mipBasis, last.shape == shape {
                    solveOptions.startingBasis = last.basis
                    warm = true
                }
            }
            var solution = try SolveStrategy.solve(with: solver!, options: solveOptions, backend: backend)
            if let shape, let basis = solution.basis { mipBasis = (shape, basis) }
            solution.basis = nil
            let verification = solution.status.hasSolution ? solution.verify(against: model.program) : nil
            let statistics = Report.SolverStatistics(program: model.program, solution: solution, buildSeconds: buildSeconds)
            let explanation = solution.status == .infeasible ? Infeasibility.explain(model, options: options) : []
            var report = Report(model: model, solution: solution, verification: verification, explanation: explanation, statistics: statistics)
            report.provenance = Report.Provenance(scenario: scenario, options: options, method: solution.method.rawValue + (warm ? " (warm start)" : ""))
            let point = Point(value: value, report: report, warm: warm, iterations: solution.iterations, solveSeconds: solution.solveSeconds)
            progress(point)
            points.append(point)
        }
        return points
    }

    static func sameStructure(_ a: LinearProgram, _ b: LinearProgram) -> Bool {
        a.columnCount == b.columnCount && a.rowCount == b.rowCount && a.isInteger == b.isInteger
            && a.columnStart == b.columnStart && a.rowIndex == b.rowIndex && a.value == b.value
    }

    /// Pushes the costs and bounds of `target` that differ from what `solver` holds.
    static func update(_ solver: any LPSolver, to target: LinearProgram) throws {
        let current = solver.program
        if current.objectiveConstant != target.objectiveConstant { try solver.setObjectiveConstant(target.objectiveConstant) }
        for j in 0..<target.columnCount {
            if current.objective[j] != target.objective[j] { try solver.setObjectiveCoefficient(column: j, to: target.objective[j]) }
            if current.columnLower[j] != target.columnLower[j] || current.columnUpper[j] != target.columnUpper[j] {
                try solver.setColumnBounds(column: j, lower: target.columnLower[j], upper: target.columnUpper[j])
            }
        }
        for i in 0..<target.rowCount where current.rowLower[i] != target.rowLower[i] || current.rowUpper[i] != target.rowUpper[i] {
            try solver.setRowBounds(row: i, lower: target.rowLower[i], upper: target.rowUpper[i])
        }
    }

    /// Indices of points whose placement mix (children by setting type, options opened) differs
    /// from the point before by more than `tolerance` children.
    public static func mixChanges(_ points: [Point], tolerance: Double = 0.5) -> [Int] {
        func signature(_ report: Report) -> [Double] {
            SettingType.allCases.map { type in report.placementsByType.first { $0.type == type.rawValue }?.children.reduce(0, +) ?? 0 }
                + report.options.map { $0.chosen ? 1000 : 0 }
        }
        // Against the last point with a plan: a point after points with none is no change of mix.
        var changes: [Int] = []
        var previous: Int?
        for k in points.indices where points[k].report.costs != nil {
            if let p = previous, zip(signature(points[k].report), signature(points[p].report)).contains(where: { abs($0 - $1) > tolerance }) { changes.append(k) }
            previous = k
        }
        return changes
    }
}
