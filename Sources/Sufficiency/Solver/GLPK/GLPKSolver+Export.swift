import CGLPK
import Foundation

extension GLPKSolver {
    // MARK: Export

    /// The model in CPLEX LP format (`glp_write_lp`), as bytes. GLPK writes into a pipe that we
    /// drain, so its output is whole or an error: GLPK itself does not report a failed final
    /// flush (a full disk), so it never writes the user's file; ``OutputFile`` does.
    public func lpData() throws(GLPKError) -> Data {
        try capture(format: "LP") { glp_write_lp(problem, nil, $0) }
    }

    /// The model in free MPS format (`glp_write_mps` with `GLP_MPS_FILE`), as bytes.
    /// Minimisations are written by ``LinearProgram/freeMPS()`` with every digit (GLPK's writer
    /// keeps 12 characters a number); a maximisation by GLPK.
    public func mpsData() throws(GLPKError) -> Data {
        if program.sense == .minimize { return Data(program.freeMPS().utf8) }
        return try capture(format: "MPS") { glp_write_mps(problem, GLP_MPS_FILE, nil, $0) }
    }

    private func capture(format: String, _ write: (String) -> Int32) throws(GLPKError) -> Data {
        Self.installHooks()
        glp_term_out(GLP_OFF)
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else { throw .writeFailed(path: format, code: Int(errno)) }
        let reader = ends[0], writer = ends[1]
        let collected = Locked(Data())
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            var buffer = [UInt8](repeating: 0, count: 1 << 16)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(reader, $0.baseAddress, $0.count) }
                if count < 0 && errno == EINTR { continue }
                if count <= 0 { break }
                collected.withLock { $0.append(contentsOf: buffer[0..<count]) }
            }
            done.signal()
        }
        // GLPK opens the pipe by name: a descriptor of its own, closed when it is done.
        let code = write("/dev/fd/\(writer)")
        close(writer)
        done.wait()
        close(reader)
        if code != 0 { throw .writeFailed(path: format, code: Int(code)) }
        return collected.withLock { $0 }
    }
}
