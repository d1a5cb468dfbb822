/// A reason the GLPK backend could not run.
public enum GLPKError: Error, Equatable, Sendable, CustomStringConvertible {
    case invalidModel(LinearProgramError)
    case invalidArgument(String)
    /// A GLPK writer failed; `code` is its C return code.
    case writeFailed(path: String, code: Int)

    public var description: String {
        switch self {
        case .invalidModel(let error): return "invalid model: \(error)"
        case .invalidArgument(let message): return message
        case let .writeFailed(format, code): return "GLPK could not write the model in \(format) format (glp_write code \(code))"
        }
    }
}
