import Foundation
import Sufficiency

/// Ctrl-C and termination: stop at once with exit 128 + signal (130 for SIGINT), passing the
/// signal on to any child we wait for and removing every temporary file first, so no partial file
/// is ever left under a target name or beside it. A closed pipe is an error to report (EPIPE), not
/// a silent death by SIGPIPE; a file-size limit is a write error (EFBIG), not SIGXFSZ.
enum Signals {
    /// Every signal whose default is to end the process and that can be caught.
    static let handled: [Int32] = [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGALRM, SIGVTALRM, SIGPROF, SIGXCPU]

    static func install() {
        Cleanup.prepare()
        signal(SIGPIPE, SIG_IGN)
        signal(SIGXFSZ, SIG_IGN)
        // A parent may have started us with these signals blocked: unblock them.
        var set = sigset_t()
        sigemptyset(&set)
        for signalNumber in handled { sigaddset(&set, signalNumber) }
        sigprocmask(SIG_UNBLOCK, &set, nil)
        for signalNumber in handled {
            signal(signalNumber) { received in
                Cleanup.runFromSignalHandler(signal: received)
                _exit(128 + received)
            }
        }
    }
}
