import CGLPK
import Foundation

/// The GLPK backend: owns one `glp_prob` and drives it.
///
/// Deliberately not `Sendable`: GLPK keeps its environment per thread, so an instance must be
/// created, solved, read and released on one thread. Several instances on several threads are fine.
/// Every argument is checked in Swift before it reaches GLPK, which would abort the process on a
/// bad one. This folder (`Solver/GLPK`) is the only place in the library that imports `CGLPK`:
/// the class here, its branch and cut in `GLPKSolver+MIP.swift`, its terminal and abort hooks in
/// `GLPKSolver+Hooks.swift`, its exports in `GLPKSolver+Export.swift`.
public final class GLPKSolver: LPSolver {
    /// The model as GLPK currently holds it (cost and bound changes included).
    public private(set) var program: LinearProgram
    /// GLPK's problem object; only this class and its extensions in this folder touch it.
    let problem: OpaquePointer

    /// GLPK's version string (`glp_version`).
    public static var version: String { String(cString: glp_version()) }

    /// Loads `program` into a new GLPK problem (`glp_create_prob`, `glp_load_matrix`).
    /// - Throws: ``GLPKError/invalidModel(_:)`` when ``LinearProgram/validate()`` rejects it.
    public init(program: LinearProgram) throws(GLPKError) {
        do { try program.validate() } catch { throw .invalidModel(error) }
        self.program = program
        Self.installHooks()
        glp_term_out(GLP_OFF)
        problem = glp_create_prob()
        load(program)
    }

    deinit { glp_delete_prob(problem) }

    private func load(_ lp: LinearProgram) {
        glp_set_prob_name(problem, lp.name.utf8.count <= LinearProgram.maxNameLength ? lp.name : "model")
        glp_set_obj_dir(problem, lp.sense == .minimize ? GLP_MIN : GLP_MAX)
        glp_set_obj_coef(problem, 0, lp.objectiveConstant)
        let m = lp.rowCount, n = lp.columnCount
        if m > 0 { glp_add_rows(problem, Int32(m)) }
        if n > 0 { glp_add_cols(problem, Int32(n)) }
        for i in 0..<m {
            let row = Int32(i + 1)
            if !lp.rowNames[i].isEmpty { glp_set_row_name(problem, row, lp.rowNames[i]) }
            setBounds(row: row, lp.rowLower[i], lp.rowUpper[i])
        }
        for j in 0..<n {
            let column = Int32(j + 1)
            if !lp.columnNames[j].isEmpty { glp_set_col_name(problem, column, lp.columnNames[j]) }
            setBounds(column: column, lp.columnLower[j], lp.columnUpper[j])
            glp_set_obj_coef(problem, column, lp.objective[j])
            if lp.isInteger[j] { glp_set_col_kind(problem, column, GLP_IV) }
        }
        // glp_load_matrix takes 1-based arrays: element 0 is ignored.
        let count = lp.nonzeroCount
        guard count > 0 else { return }
        var ia = [Int32](repeating: 0, count: count + 1)
        var ja = [Int32](repeating: 0, count: count + 1)
        var ar = [Double](repeating: 0, count: count + 1)
        for j in 0..<n {
            for k in lp.columnStart[j]..<lp.columnStart[j + 1] {
                ia[k + 1] = Int32(lp.rowIndex[k] + 1)
                ja[k + 1] = Int32(j + 1)
                ar[k + 1] = lp.value[k]
            }
        }
        glp_load_matrix(problem, Int32(count), &ia, &ja, &ar)
    }

    private static func boundType(_ lower: Double, _ upper: Double) -> Int32 {
        switch (lower.isFinite, upper.isFinite) {
        case (false, false): return GLP_FR
        case (true, false): return GLP_LO
        case (false, true): return GLP_UP
        case (true, true): return lower == upper ? GLP_FX : GLP_DB
        }
    }

    private func setBounds(row: Int32, _ lower: Double, _ upper: Double) {
        glp_set_row_bnds(problem, row, Self.boundType(lower, upper), lower.isFinite ? lower : 0, upper.isFinite ? upper : 0)
    }

    func setBounds(column: Int32, _ lower: Double, _ upper: Double) {
        glp_set_col_bnds(problem, column, Self.boundType(lower, upper), lower.isFinite ? lower : 0, upper.isFinite ? upper : 0)
    }

    // MARK: Changes for warm-started re-solves

    /// Changes one objective coefficient (`glp_set_obj_coef`). The basis is kept.
    public func setObjectiveCoefficient(column: Int, to cost: Double) throws(GLPKError) {
        guard program.columnNames.indices.contains(column) else { throw .invalidArgument("column \(column) does not exist") }
        guard cost.isFinite else { throw .invalidArgument("cost \(cost) of column \(column) is not finite") }
        program.objective[column] = cost
        glp_set_obj_coef(problem, Int32(column + 1), cost)
    }

    /// Changes the objective's constant term (`glp_set_obj_coef` on column 0).
    public func setObjectiveConstant(_ constant: Double) throws(GLPKError) {
        guard constant.isFinite else { throw .invalidArgument("objective constant \(constant) is not finite") }
        program.objectiveConstant = constant
        glp_set_obj_coef(problem, 0, constant)
    }

    /// Changes a column's bounds (`glp_set_col_bnds`). The basis is kept.
    public func setColumnBounds(column: Int, lower: Double, upper: Double) throws(GLPKError) {
        guard program.columnNames.indices.contains(column) else { throw .invalidArgument("column \(column) does not exist") }
        try Self.checkBounds(lower, upper, "column \(column)")
        program.columnLower[column] = lower
        program.columnUpper[column] = upper
        setBounds(column: Int32(column + 1), lower, upper)
    }

    /// Changes a row's bounds, i.e. its right-hand side (`glp_set_row_bnds`). The basis is kept.
    public func setRowBounds(row: Int, lower: Double, upper: Double) throws(GLPKError) {
        guard program.rowNames.indices.contains(row) else { throw .invalidArgument("row \(row) does not exist") }
        try Self.checkBounds(lower, upper, "row \(row)")
        program.rowLower[row] = lower
        program.rowUpper[row] = upper
        setBounds(row: Int32(row + 1), lower, upper)
    }

    private static func checkBounds(_ lower: Double, _ upper: Double, _ what: String) throws(GLPKError) {
        guard !lower.isNaN, !upper.isNaN, lower != .infinity, upper != -.infinity, lower <= upper else {
            throw .invalidArgument("\(what): bounds [\(lower), \(upper)] are not valid")
        }
    }

    /// Appends columns (`glp_add_cols`, `glp_set_mat_col`); the basis is kept, the new columns
    /// start non-basic at their lower bound. Each column's entries are (row, value) pairs.
    public func addColumns(lower: [Double], upper: [Double], cost: [Double], entries: [[(row: Int, value: Double)]]) throws(GLPKError) {
        let count = entries.count
        guard lower.count == count, upper.count == count, cost.count == count else { throw .invalidArgument("column arrays differ in length") }
        guard count > 0 else { return }
        for k in 0..<count {
            guard cost[k].isFinite else { throw .invalidArgument("cost \(cost[k]) is not finite") }
            try Self.checkBounds(lower[k], upper[k], "new column \(k)")
            var previous = -1
            for entry in entries[k].sorted(by: { $0.row < $1.row }) {
                guard entry.row >= 0, entry.row < program.rowCount, entry.row > previous, entry.value.isFinite else {
                    throw .invalidArgument("new column \(k) has an invalid entry in row \(entry.row)")
                }
                previous = entry.row
            }
        }
        let first = program.columnCount
        glp_add_cols(problem, Int32(count))
        for k in 0..<count {
            let column = Int32(first + k + 1)
            setBounds(column: column, lower[k], upper[k])
            glp_set_obj_coef(problem, column, cost[k])
            let sorted = entries[k].filter { $0.value != 0 }.sorted { $0.row < $1.row }
            // glp_set_mat_col takes 1-based arrays: element 0 is ignored.
            var rows = [Int32](repeating: 0, count: sorted.count + 1)
            var values = [Double](repeating: 0, count: sorted.count + 1)
            for (e, entry) in sorted.enumerated() { rows[e + 1] = Int32(entry.row + 1); values[e + 1] = entry.value }
            glp_set_mat_col(problem, column, Int32(sorted.count), &rows, &values)
            program.addColumn(name: "", lower: lower[k], upper: upper[k], cost: cost[k])
            program.rowIndex.append(contentsOf: sorted.map(\.row))
            program.value.append(contentsOf: sorted.map(\.value))
            program.columnStart[program.columnCount] = program.value.count
        }
    }

    public func removeColumns(_ columns: [Int]) throws(GLPKError) {
        guard !columns.isEmpty else { return }
        var removing = [Bool](repeating: false, count: program.columnCount)
        for j in columns {
            guard program.columnNames.indices.contains(j), !removing[j] else { throw .invalidArgument("column \(j) does not exist or is named twice") }
            guard glp_get_col_stat(problem, Int32(j + 1)) != GLP_BS else { throw .invalidArgument("column \(j) is basic") }
            removing[j] = true
        }
        // glp_del_cols takes a 1-based array: element 0 is ignored.
        var numbers = [Int32](repeating: 0, count: columns.count + 1)
        for (k, j) in columns.enumerated() { numbers[k + 1] = Int32(j + 1) }
        glp_del_cols(problem, Int32(columns.count), &numbers)
        var kept = LinearProgram()
        kept.sense = program.sense
        kept.objectiveConstant = program.objectiveConstant
        kept.name = program.name
        kept.rowNames = program.rowNames
        kept.rowLower = program.rowLower
        kept.rowUpper = program.rowUpper
        for j in 0..<program.columnCount where !removing[j] {
            kept.addColumn(name: program.columnNames[j], lower: program.columnLower[j], upper: program.columnUpper[j], cost: program.objective[j], integer: program.isInteger[j])
            kept.rowIndex.append(contentsOf: program.rowIndex[program.columnStart[j]..<program.columnStart[j + 1]])
            kept.value.append(contentsOf: program.value[program.columnStart[j]..<program.columnStart[j + 1]])
            kept.columnStart[kept.columnCount] = kept.value.count
        }
        program = kept
    }

    // MARK: Solving

    /// Solves the model: simplex or interior point for an LP (or a relaxed MIP), branch and cut
    /// with presolve for a MIP followed by a simplex solve of the LP with the integers fixed,
    /// which supplies the duals.
    public func solve(_ options: SolverOptions = SolverOptions()) throws(GLPKError) -> Solution {
        guard options.mipGap.isFinite, options.mipGap >= 0 else {
            throw .invalidArgument("MIP gap must be a number ≥ 0, got \(options.mipGap)")
        }
        if let limit = options.secondsLeft, !(limit.isFinite && limit >= 0) {
            throw .invalidArgument("time limit must be a number of seconds ≥ 0, got \(limit)")
        }
        // Nothing left of the command's time limit: no solve at all (GLPK's presolver would run
        // seconds before it first looks at the clock).
        if let left = options.secondsLeft, left <= 0 {
            return Solution(status: .noSolutionInTime, outcome: .timeLimitReached, method: program.isMIP && !options.relax ? .branchAndCut : .primalSimplex)
        }
        Self.installHooks()
        glp_term_out(options.verbose ? GLP_ON : GLP_OFF)
        defer { glp_term_out(GLP_OFF) }
        let clock = ContinuousClock()
        let start = clock.now
        var solution: Solution
        if program.isMIP && !options.relax {
            solution = solveMIP(options)
        } else if options.lpMethod == .interior {
            solution = solveInterior(options)
        } else {
            solution = solveSimplex(options, deadline: Self.milliseconds(options.secondsLeft))
        }
        solution.solveSeconds = (clock.now - start).seconds
        return solution
    }

    static func milliseconds(_ seconds: Double?) -> Int32 {
        guard let seconds else { return Int32.max }
        return Int32(min(seconds * 1000, Double(Int32.max)).rounded(.up))
    }

    static let simplexCodes: [Int32: String] = [
        GLP_EBADB: "invalid initial basis", GLP_ESING: "singular basis matrix", GLP_ECOND: "ill-conditioned basis matrix",
        GLP_EBOUND: "incorrect bounds", GLP_EFAIL: "solver failure", GLP_EOBJLL: "objective lower limit reached",
        GLP_EOBJUL: "objective upper limit reached", GLP_EITLIM: "iteration limit reached",
        GLP_ETMLIM: "time limit reached", GLP_ENOPFS: "no primal feasible solution",
        GLP_ENODFS: "no dual feasible solution", GLP_EROOT: "root LP optimum not provided",
        GLP_ESTOP: "search terminated", GLP_EMIPGAP: "relative MIP gap tolerance reached",
        GLP_ENOCVG: "no convergence", GLP_EINSTAB: "numerical instability",
    ]

    static func failure(_ code: Int32) -> SolverOutcome {
        .failed(code: Int(code), message: simplexCodes[code] ?? "GLPK error \(code)")
    }

    /// `glp_simplex`, retrying once from a standard basis on basis trouble and without the
    /// presolver when it reports infeasibility (so the status is GLPK's definite one).
    func solveSimplex(_ options: SolverOptions, deadline: Int32) -> Solution {
        let method: SolveMethod = options.lpMethod == .primalSimplex ? .primalSimplex : .dualSimplex
        var parm = glp_smcp()
        glp_init_smcp(&parm)
        parm.msg_lev = options.verbose || Progress.enabled ? GLP_MSG_ON : GLP_MSG_OFF
        Self.logMode.withLock { $0 = options.verbose ? .log : .progress }
        parm.out_frq = options.verbose ? 500 : 1000
        parm.meth = options.lpMethod == .primalSimplex ? GLP_PRIMAL : GLP_DUALP
        parm.presolve = options.presolve ? GLP_ON : GLP_OFF
        if loadBasis(options.startingBasis) { parm.presolve = GLP_OFF }
        parm.tm_lim = deadline
        if options.textbookPricing { parm.pricing = GLP_PT_STD }
        let iterationsBefore = glp_get_it_cnt(problem)
        if options.reportsProgress { Progress.phase("simplex (\(glp_get_num_rows(problem)) rows, \(glp_get_num_cols(problem)) columns)") }
        defer { if options.reportsProgress { Progress.phase(nil) } }
        var code = glp_simplex(problem, &parm)
        if code == GLP_ENOPFS || code == GLP_ENODFS {
            parm.presolve = GLP_OFF
            code = glp_simplex(problem, &parm)
        }
        if code == GLP_EBADB || code == GLP_ESING || code == GLP_ECOND {
            glp_std_basis(problem)
            code = glp_simplex(problem, &parm)
        }
        if code == 0, glp_get_dual_stat(problem) == GLP_NOFEAS, glp_get_status(problem) != GLP_UNBND {
            // The dual simplex proved the dual infeasible: the primal is unbounded or infeasible.
            // The primal simplex tells which.
            parm.meth = GLP_PRIMAL
            code = glp_simplex(problem, &parm)
        }
        let iterations = Int(glp_get_it_cnt(problem) - iterationsBefore)
        var solution = Solution(status: .solverFailure, outcome: .completed, method: method, iterations: iterations)
        switch code {
        case 0: break
        case GLP_ETMLIM: solution.outcome = .timeLimitReached
        default: solution.outcome = Self.failure(code); return solution
        }
        switch glp_get_status(problem) {
        case GLP_OPT: solution.status = .optimal
        case GLP_NOFEAS: solution.status = .infeasible
        case GLP_UNBND: solution.status = .unbounded
        default: solution.status = code == GLP_ETMLIM ? .noSolutionInTime : .solverFailure
        }
        if solution.status == .optimal {
            readBasic(into: &solution)
            if options.keepBasis { solution.basis = readBasis() }
        }
        return solution
    }

    /// Sets the statuses of `basis` when its sizes fit the problem (GLPK adjusts a non-basic
    /// status to each bound's type, and a basis that is not one is refused by glp_simplex, which
    /// then starts again from the standard basis).
    func loadBasis(_ basis: LPBasis?) -> Bool {
        guard let basis, basis.rowStatus.count == program.rowCount, basis.columnStatus.count == program.columnCount else { return false }
        let valid: Set<Int32> = [GLP_BS, GLP_NL, GLP_NU, GLP_NF, GLP_NS]
        guard basis.rowStatus.allSatisfy(valid.contains), basis.columnStatus.allSatisfy(valid.contains) else { return false }
        for (i, status) in basis.rowStatus.enumerated() { glp_set_row_stat(problem, Int32(i + 1), status) }
        for (j, status) in basis.columnStatus.enumerated() { glp_set_col_stat(problem, Int32(j + 1), status) }
        return true
    }

    func readBasis() -> LPBasis {
        LPBasis(rowStatus: (0..<program.rowCount).map { glp_get_row_stat(problem, Int32($0 + 1)) },
                columnStatus: (0..<program.columnCount).map { glp_get_col_stat(problem, Int32($0 + 1)) })
    }

    func readBasic(into solution: inout Solution) {
        let m = program.rowCount, n = program.columnCount
        solution.objective = glp_get_obj_val(problem)
        solution.columnValues = (0..<n).map { glp_get_col_prim(problem, Int32($0 + 1)) }
        solution.reducedCosts = (0..<n).map { glp_get_col_dual(problem, Int32($0 + 1)) }
        solution.rowActivities = (0..<m).map { glp_get_row_prim(problem, Int32($0 + 1)) }
        solution.rowDuals = (0..<m).map { glp_get_row_dual(problem, Int32($0 + 1)) }
        solution.hasDuals = true
    }

    /// `glp_interior`. GLPK's interior point has no time limit.
    private func solveInterior(_ options: SolverOptions) -> Solution {
        var solution = Solution(status: .solverFailure, outcome: .completed, method: .interior)
        if program.rowCount == 0 || program.columnCount == 0 {
            // glp_interior refuses an empty problem; the simplex handles it trivially.
            var fallback = solveSimplex(options, deadline: Self.milliseconds(options.secondsLeft))
            fallback.method = .interior
            return fallback
        }
        var parm = glp_iptcp()
        glp_init_iptcp(&parm)
        parm.msg_lev = options.verbose ? GLP_MSG_ON : GLP_MSG_OFF
        let code = glp_interior(problem, &parm)
        guard code == 0 else {
            solution.outcome = Self.failure(code)
            // Interior point reports infeasibility by failing to converge; ask the simplex to be sure.
            if code == GLP_ENOCVG || code == GLP_EFAIL || code == GLP_EINSTAB {
                let check = solveSimplex(SolverOptions(lpMethod: .dualSimplex, presolve: true), deadline: Self.milliseconds(options.secondsLeft))
                if check.status == .infeasible || check.status == .unbounded { solution.status = check.status }
            }
            return solution
        }
        switch glp_ipt_status(problem) {
        case GLP_OPT:
            let m = program.rowCount, n = program.columnCount
            solution.status = .optimal
            solution.objective = glp_ipt_obj_val(problem)
            solution.columnValues = (0..<n).map { glp_ipt_col_prim(problem, Int32($0 + 1)) }
            solution.reducedCosts = (0..<n).map { glp_ipt_col_dual(problem, Int32($0 + 1)) }
            solution.rowActivities = (0..<m).map { glp_ipt_row_prim(problem, Int32($0 + 1)) }
            solution.rowDuals = (0..<m).map { glp_ipt_row_dual(problem, Int32($0 + 1)) }
            solution.hasDuals = true
        case GLP_NOFEAS: solution.status = .infeasible
        default: solution.status = .solverFailure
        }
        return solution
    }
}
