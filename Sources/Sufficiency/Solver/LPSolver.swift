import Foundation

/// What the model, the analyses and the strategies need of a solver backend: solve a
/// ``LinearProgram``, re-solve it warm after cost and bound changes, grow it by columns, and
/// write it for other solvers. ``GLPKSolver`` is the one implementation; a second backend is
/// added by conforming to this protocol and making a ``SolverBackend``, without touching the
/// model or the analyses.
///
/// An instance holds solver state for one thread (GLPK keeps its environment per thread).
public protocol LPSolver: AnyObject {
    /// The programme as the solver holds it now (changes included).
    var program: LinearProgram { get }
    /// Solves from the current state (warm when the presolver is off and a basis exists).
    func solve(_ options: SolverOptions) throws -> Solution
    /// The duals of a MIP solution from the LP with its integer columns fixed.
    func withFixedLPDuals(_ mip: Solution, timeLimit: Double?) throws -> Solution
    func setObjectiveCoefficient(column: Int, to cost: Double) throws
    func setObjectiveConstant(_ constant: Double) throws
    func setColumnBounds(column: Int, lower: Double, upper: Double) throws
    func setRowBounds(row: Int, lower: Double, upper: Double) throws
    /// Appends columns with their matrix entries (0-based rows).
    func addColumns(lower: [Double], upper: [Double], cost: [Double], entries: [[(row: Int, value: Double)]]) throws
    /// Removes these columns (0-based, each at most once); later columns move down. A removed
    /// column must be nonbasic, so the current basis stays a basis (sifting removes only columns
    /// with a positive reduced cost).
    func removeColumns(_ columns: [Int]) throws
    /// The model in CPLEX LP format.
    func lpData() throws -> Data
    /// The model in free MPS format.
    func mpsData() throws -> Data
}

/// A way to make solvers: the backend the analyses use.
public struct SolverBackend: Sendable {
    public var name: String
    public var version: String
    public var make: @Sendable (LinearProgram) throws -> any LPSolver

    public init(name: String, version: String, make: @escaping @Sendable (LinearProgram) throws -> any LPSolver) {
        self.name = name
        self.version = version
        self.make = make
    }

    /// GLPK through ``GLPKSolver``.
    public static let glpk = SolverBackend(name: "GLPK", version: GLPKSolver.version) { try GLPKSolver(program: $0) }
}
