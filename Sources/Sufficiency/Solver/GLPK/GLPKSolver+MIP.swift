import CGLPK
import Foundation

// Branch and cut (`glp_intopt`) and the duals of a MIP from its LP with the integers fixed.
extension GLPKSolver {
    /// Progress of branch and cut, updated from GLPK's callback.
    final class MIPProgress {
        var gap = Double.infinity
        var nodes = 0
        /// When to stop branch and cut: GLPK checks its own limit only now and then.
        var deadline: ContinuousClock.Instant?
        var stoppedForTime = false
        var cancellation: Cancellation?
    }

    /// `glp_intopt` with presolve, then the LP with integers fixed for duals.
    func solveMIP(_ options: SolverOptions) -> Solution {
        let progress = MIPProgress()
        var parm = glp_iocp()
        glp_init_iocp(&parm)
        parm.msg_lev = options.verbose ? GLP_MSG_ON : GLP_MSG_OFF
        Self.logMode.withLock { $0 = .log }
        parm.presolve = GLP_ON
        parm.mip_gap = options.mipGap
        parm.tm_lim = Self.milliseconds(options.secondsLeft)
        parm.cb_func = { tree, info in
            guard let tree, let info else { return }
            let progress = Unmanaged<MIPProgress>.fromOpaque(info).takeUnretainedValue()
            if progress.cancellation?.isCancelled == true || progress.deadline.map({ ContinuousClock.now >= $0 }) == true {
                progress.stoppedForTime = true
                glp_ios_terminate(tree)
                return
            }
            var active: Int32 = 0, current: Int32 = 0, total: Int32 = 0
            glp_ios_tree_size(tree, &active, &current, &total)
            progress.nodes = max(progress.nodes, Int(total))
            let best = glp_ios_best_node(tree)
            if best != 0 {
                let gap = glp_ios_mip_gap(tree)
                if gap < Double.greatestFiniteMagnitude { progress.gap = gap }
            }
            if Progress.enabled {
                let problem = glp_ios_get_prob(tree)
                let found = best != 0 ? glp_ios_node_bound(tree, best) : -Double.infinity
                let bound = abs(found) < 1e300 ? found : -Double.infinity
                let incumbent = glp_mip_status(problem) == GLP_FEAS || glp_mip_status(problem) == GLP_OPT ? glp_mip_obj_val(problem) : Double.nan
                Progress.report("branch and cut: \(total) nodes (\(active) open)" + (incumbent.isFinite ? ", best plan \(ReportText.pounds(incumbent))" : ", no plan yet")
                                + (bound.isFinite ? ", bound \(ReportText.pounds(bound))" : "")
                                + (progress.gap.isFinite ? String(format: ", gap %.2f%%", progress.gap * 100) : ""))
            }
        }
        let clock = ContinuousClock()
        let start = clock.now
        if let left = options.secondsLeft { progress.deadline = start.advanced(by: .milliseconds(Int64(left * 1000))) }
        progress.cancellation = options.cancellation
        Progress.phase("branch and cut: GLPK's presolve and the root LP relaxation")
        defer { Progress.phase(nil) }
        // Kept basis: the root LP by the simplex (from the starting basis when given), then
        // branch and cut from it without the presolver, which would discard it.
        var rootBasis: LPBasis?
        if options.keepBasis {
            var root = options
            root.keepBasis = true
            let relaxation = solveSimplex(root, deadline: Self.milliseconds(options.secondsLeft))
            if relaxation.status == .optimal {
                rootBasis = relaxation.basis
                parm.presolve = GLP_OFF
            } else {
                glp_std_basis(problem)
            }
        }
        let code = withExtendedLifetime(progress) { () -> Int32 in
            parm.cb_info = Unmanaged.passUnretained(progress).toOpaque()
            return glp_intopt(problem, &parm)
        }
        var solution = Solution(status: .solverFailure, outcome: .completed, method: .branchAndCut, nodes: progress.nodes)
        solution.basis = rootBasis
        switch code {
        case 0, GLP_EMIPGAP: break
        case GLP_ETMLIM: solution.outcome = .timeLimitReached
        case GLP_ESTOP where progress.stoppedForTime: solution.outcome = .timeLimitReached
        case GLP_ESTOP where progress.stoppedForTime: solution.outcome = .timeLimitReached
        case GLP_ENOPFS: solution.status = .infeasible; return solution
        case GLP_ENODFS:
            // The relaxation has no dual feasible solution: unbounded, unless it is also infeasible.
            let relaxation = solveSimplex(SolverOptions(lpMethod: .primalSimplex, presolve: false), deadline: Int32.max)
            solution.status = relaxation.status == .infeasible ? .infeasible : .unbounded
            return solution
        default: solution.outcome = Self.failure(code); return solution
        }
        switch glp_mip_status(problem) {
        case GLP_OPT: solution.status = .optimal; solution.mipGap = code == GLP_EMIPGAP ? progress.gap : 0
        case GLP_FEAS: solution.status = (code == 0 || code == GLP_EMIPGAP) && !progress.stoppedForTime ? .optimal : .feasible; solution.mipGap = progress.gap
        case GLP_NOFEAS: solution.status = .infeasible; return solution
        default: solution.status = code == GLP_ETMLIM || progress.stoppedForTime ? .noSolutionInTime : .solverFailure; return solution
        }
        if solution.status == .optimal && options.mipGap == 0 { solution.mipGap = 0 }
        let n = program.columnCount, m = program.rowCount
        solution.objective = glp_mip_obj_val(problem)
        solution.columnValues = (0..<n).map { glp_mip_col_val(problem, Int32($0 + 1)) }
        solution.rowActivities = (0..<m).map { glp_mip_row_val(problem, Int32($0 + 1)) }
        if options.fixedLPDuals {
            let remaining = options.timeLimit.map { max(0.05, $0 - (clock.now - start).seconds) }.map { limit in options.secondsLeft.map { min(limit, max(0.05, $0)) } ?? limit }
                ?? options.secondsLeft.map { max(0.05, $0) }
            addFixedLPDuals(to: &solution, deadline: Self.milliseconds(remaining))
        }
        return solution
    }

    /// The MIP solution `mip` with the duals of the LP with its integers fixed (see below); `mip`
    /// unchanged when that LP does not solve in time.
    public func withFixedLPDuals(_ mip: Solution, timeLimit: Double?) throws(GLPKError) -> Solution {
        guard mip.columnValues.count == program.columnCount, mip.status.hasSolution else { return mip }
        var solution = mip
        Self.installHooks()
        glp_term_out(GLP_OFF)
        addFixedLPDuals(to: &solution, deadline: Self.milliseconds(timeLimit))
        return solution
    }

    /// Fixes every integer column at its rounded MIP value, solves the LP by simplex and takes
    /// its duals (and its continuous values, so primal and dual agree), then restores the bounds.
    func addFixedLPDuals(to solution: inout Solution, deadline: Int32) {
        let tolerance = 1e-7 * max(1, abs(solution.objective))
        var fixed: [Int] = []
        for j in 0..<program.columnCount where program.isInteger[j] {
            let value = solution.columnValues[j].rounded()
            let lower = program.columnLower[j], upper = program.columnUpper[j]
            setBounds(column: Int32(j + 1), max(lower, min(upper, value)), max(lower, min(upper, value)))
            fixed.append(j)
        }
        defer { for j in fixed { setBounds(column: Int32(j + 1), program.columnLower[j], program.columnUpper[j]) } }
        // The presolver builds its own starting basis: no glp_adv_basis here.
        var parm = glp_smcp()
        glp_init_smcp(&parm)
        parm.msg_lev = GLP_MSG_OFF
        // Primal: GLPK's dual simplex stalls on large placement LPs.
        parm.meth = GLP_PRIMAL
        parm.presolve = GLP_ON
        parm.tm_lim = deadline
        let code = glp_simplex(problem, &parm)
        guard code == 0, glp_get_status(problem) == GLP_OPT else { return }
        var fixedLP = solution
        readBasic(into: &fixedLP)
        for j in fixed { fixedLP.columnValues[j] = solution.columnValues[j].rounded() }
        // Keep the LP's point only when it is as good as the incumbent (it is, up to round-off).
        let better = program.sense == .minimize ? fixedLP.objective <= solution.objective + tolerance
                                                : fixedLP.objective >= solution.objective - tolerance
        guard better else { return }
        fixedLP.dualsFromFixedLP = true
        solution = fixedLP
    }
}
