/// How a solve ended, from the model's point of view.
public enum ModelStatus: String, Sendable, Equatable, Codable {
    /// A proven optimum (within the requested MIP gap).
    case optimal
    /// A feasible point was kept when a limit was hit; ``Solution/mipGap`` tells how far from optimal.
    case feasible
    case infeasible
    case unbounded
    /// A limit was hit before any feasible point was found.
    case noSolutionInTime = "no solution in time"
    /// The solver itself failed (numerical trouble); nothing is known about the model.
    case solverFailure = "solver failure"

    /// Whether primal values are available to report.
    public var hasSolution: Bool { self == .optimal || self == .feasible }
}

/// Whether the solver run itself worked, kept apart from what it found out about the model.
public enum SolverOutcome: Sendable, Equatable {
    case completed
    case timeLimitReached
    case interrupted
    /// The solver returned an error code; `code` is GLPK's return code, `message` its meaning.
    case failed(code: Int, message: String)
}

/// The algorithm that produced a ``Solution``.
public enum SolveMethod: String, Sendable, Equatable, CaseIterable, Codable {
    case primalSimplex = "primal simplex"
    case dualSimplex = "dual simplex"
    case interior = "interior point"
    case branchAndCut = "branch and cut"
    /// Primal simplex on a restricted set of columns, grown by pricing every column in Swift.
    case sifting
    /// Dantzig–Wolfe decomposition: a master LP over the linking rows, one small LP per block.
    case blocks = "decomposition by block"
}

/// What a solver found: status, primal and dual values and statistics.
///
/// Arrays are indexed like the ``LinearProgram``'s columns and rows (0-based).
/// For a MIP the duals and reduced costs come from the LP with every integer column
/// fixed at its optimal value (``dualsFromFixedLP`` is then true).
public struct Solution: Sendable, Equatable {
    public var status: ModelStatus
    public var outcome: SolverOutcome
    public var method: SolveMethod
    public var objective: Double
    public var columnValues: [Double]
    public var rowActivities: [Double]
    /// Row duals (shadow prices): change in objective per unit increase of the row's active bound.
    public var rowDuals: [Double]
    /// Reduced costs `c - Aᵀy`.
    public var reducedCosts: [Double]
    public var hasDuals: Bool
    public var dualsFromFixedLP: Bool
    /// Relative MIP gap when known (0 for a proven optimum, nil for LPs).
    public var mipGap: Double?
    public var iterations: Int
    public var nodes: Int
    public var solveSeconds: Double
    /// The optimal basis, when ``SolverOptions/keepBasis`` asked for it.
    public var basis: LPBasis? = nil
    /// Sifting: how many times a column left the restricted LP (see ``Sifting``).
    public var siftingRemovals = 0

    public init(status: ModelStatus, outcome: SolverOutcome, method: SolveMethod, objective: Double = 0,
                columnValues: [Double] = [], rowActivities: [Double] = [], rowDuals: [Double] = [],
                reducedCosts: [Double] = [], hasDuals: Bool = false, dualsFromFixedLP: Bool = false,
                mipGap: Double? = nil, iterations: Int = 0, nodes: Int = 0, solveSeconds: Double = 0) {
        self.status = status
        self.outcome = outcome
        self.method = method
        self.objective = objective
        self.columnValues = columnValues
        self.rowActivities = rowActivities
        self.rowDuals = rowDuals
        self.reducedCosts = reducedCosts
        self.hasDuals = hasDuals
        self.dualsFromFixedLP = dualsFromFixedLP
        self.mipGap = mipGap
        self.iterations = iterations
        self.nodes = nodes
        self.solveSeconds = solveSeconds
    }
}

/// Settings for one solve.
public struct SolverOptions: Sendable, Equatable {
    /// LP algorithm. MIPs always use branch and cut, with this method ignored.
    public enum LPMethod: String, Sendable, Equatable, CaseIterable { case primalSimplex, dualSimplex, interior }

    public var lpMethod: LPMethod = .primalSimplex
    /// GLPK's LP presolver. Off reuses the previous basis on re-solve (warm start).
    public var presolve: Bool = true
    /// Relative MIP gap at which branch and cut stops; 0 asks for a proven optimum.
    public var mipGap: Double = 0
    /// Wall-clock limit in seconds for one solve; nil for none.
    public var timeLimit: Double? = nil
    /// When the whole command must be done (from `--time-limit`): every solve of the run — the
    /// plan, its duals, sifting, the infeasibility explanation, the option comparisons — gets only
    /// what is left of it. Nil for none.
    public var deadline: ContinuousClock.Instant? = nil
    /// The command's `--time-limit` in seconds, as given (for the provenance).
    public var commandTimeLimit: Double? = nil
    /// Treat integer columns as continuous (the LP relaxation).
    public var relax: Bool = false
    /// Let GLPK print its log to standard output.
    public var verbose: Bool = false
    /// The simplex prices with the textbook rule instead of projected steepest edge: cheaper
    /// iterations, which pay on sifting's restricted LPs (measured on the bench models: the
    /// 5-age model's sifting solve 19.1 → 13.1 s, the others 5–15% faster).
    public var textbookPricing: Bool = false
    /// After branch and cut, solve the LP with the integers fixed for the duals (the backend's
    /// own way). ``SolveStrategy`` turns it off to try sifting first.
    public var fixedLPDuals: Bool = true
    /// Set from another thread to stop the run early (the web app's newer edit): it then counts
    /// as out of time, so every solve that looks at the clock stops, branch and cut among them.
    public var cancellation: Cancellation? = nil
    /// A basis to start the simplex from (a re-solve of a model of the same shape, warm); it is
    /// used when its sizes fit, and the presolver is then off. For a MIP it starts the root LP.
    public var startingBasis: LPBasis? = nil
    /// Keep the optimal basis in ``Solution/basis`` (of the root LP for a MIP, which is then
    /// solved by the simplex first and by branch and cut without GLPK's presolve).
    public var keepBasis: Bool = false
    /// Name the solve as the current phase in the progress lines (off for the many small solves
    /// of a decomposition).
    public var reportsProgress: Bool = true

    /// Seconds this solve may take: the smaller of ``timeLimit`` and what is left before
    /// ``deadline`` (0 once it has passed); nil for no limit.
    public var secondsLeft: Double? {
        if cancellation?.isCancelled == true { return 0 }
        let toDeadline = deadline.map { max(0, ContinuousClock.now.duration(to: $0).seconds) }
        switch (timeLimit, toDeadline) {
        case (nil, nil): return nil
        case (let limit?, nil): return limit
        case (nil, let left?): return left
        case (let limit?, let left?): return min(limit, left)
        }
    }

    /// Whether a deadline was set and has passed.
    public var outOfTime: Bool { cancellation?.isCancelled == true || (deadline.map { ContinuousClock.now >= $0 } ?? false) }

    public init(lpMethod: LPMethod = .primalSimplex, presolve: Bool = true, mipGap: Double = 0,
                timeLimit: Double? = nil, relax: Bool = false, verbose: Bool = false) {
        self.lpMethod = lpMethod
        self.presolve = presolve
        self.mipGap = mipGap
        self.timeLimit = timeLimit
        self.relax = relax
        self.verbose = verbose
    }
}

/// A flag one thread sets and solves on others read: ``SolverOptions/cancellation``.
/// Equal only to itself, so options that carry one compare by who can cancel them.
public final class Cancellation: Sendable, Equatable {
    private let flag = Locked(false)
    public init() {}
    public var isCancelled: Bool { flag.withLock { $0 } }
    public func cancel() { flag.withLock { $0 = true } }
    public static func == (a: Cancellation, b: Cancellation) -> Bool { a === b }
}

/// A simplex basis: each row's and column's status (GLPK's GLP_BS, GLP_NL, GLP_NU, GLP_NF, GLP_NS).
public struct LPBasis: Sendable, Equatable {
    public var rowStatus: [Int32]
    public var columnStatus: [Int32]
    public init(rowStatus: [Int32], columnStatus: [Int32]) { self.rowStatus = rowStatus; self.columnStatus = columnStatus }
}
