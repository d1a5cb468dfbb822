import Foundation

/// Ctrl-C and termination: stop at once with exit 130 (143 for SIGTERM), removing any temporary
/// output file first, so no partial file is ever left under the target name or beside it.
public enum Interrupt {
    public static func install() {
        // A parent may have started us with these signals blocked: unblock them.
        var set = sigset_t()
        sigemptyset(&set)
        for signalNumber in [SIGINT, SIGTERM, SIGHUP] { sigaddset(&set, signalNumber) }
        sigprocmask(SIG_UNBLOCK, &set, nil)
        for signalNumber in [SIGINT, SIGTERM, SIGHUP] {
            signal(signalNumber) { received in
                // Only async-signal-safe calls here.
                if let pending = AtomicFile.pendingTemporary { unlink(pending) }
                _exit(128 + received)
            }
        }
    }
}
