import CGLPK
import Foundation

extension GLPKSolver {
    // MARK: GLPK's terminal and its aborts

    /// Routes GLPK's terminal output to standard error (never standard output, where reports go)
    /// and turns a GLPK abort into exit 70 with a message instead of SIGABRT. GLPK keeps hooks per
    /// thread, so this runs before GLPK is used on any thread.
    ///
    /// Every argument is checked before it reaches GLPK, so the error hook is a last line of
    /// defence: GLPK calls it after printing its own message (through the terminal hook) and would
    /// `abort()` when it returns, so it removes our temporary files and ends the process at once.
    static func installHooks() {
        glp_term_hook({ _, text in
            guard let text else { return 1 }
            // With --verbose GLPK's log goes to standard error as it is; with progress only, its
            // simplex lines become progress lines (at most one a second).
            if GLPKSolver.logMode.withLock({ $0 }) == .progress { Progress.glpkLine(String(cString: text)) }
            else { _ = GLPKSolver.writeAll(2, UnsafeRawPointer(text), strlen(text)) }
            return 1   // handled: GLPK prints nothing itself
        }, nil)
        glp_error_hook({ _ in
            let message = "internal error: GLPK stopped with the message above; nothing was written (exit 70). Please report it with the scenario.\n"
            message.withCString { _ = GLPKSolver.writeAll(2, UnsafeRawPointer($0), strlen($0)) }
            Cleanup.runFromSignalHandler(signal: SIGTERM)
            _exit(70)
        }, nil)
    }

    /// What GLPK's terminal output is for on this run: its log (`--verbose`) or progress lines.
    enum LogMode { case log, progress }
    static let logMode = Locked(LogMode.log)

    static func writeAll(_ descriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Bool {
        var offset = 0
        while offset < count {
            let written = write(descriptor, bytes + offset, count - offset)
            if written < 0 && errno == EINTR { continue }
            if written <= 0 { return false }
            offset += written
        }
        return true
    }
}
