// The libFuzzer entry point, built by Fuzz/run.sh with -sanitize=fuzzer,address and -D FUZZING.
// The target is chosen by SUFFICIENCY_FUZZ_TARGET (json, yaml, csv, decode, solve).
// Without FUZZING (a plain `swift build`) this is a stub that says how to build it.
import Sufficiency

#if FUZZING
import Foundation

let target: FuzzHarness.Target = {
    let name = ProcessInfo.processInfo.environment["SUFFICIENCY_FUZZ_TARGET"] ?? "decode"
    guard let target = FuzzHarness.Target(rawValue: name) else {
        fatalError("SUFFICIENCY_FUZZ_TARGET must be one of \(FuzzHarness.Target.allCases.map(\.rawValue))")
    }
    return target
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    FuzzHarness.run(target, bytes)
    return 0
}

/// libFuzzer's driver, for programs with a main of their own (SwiftPM names an executable's
/// entry point `<module>_main`, so libFuzzer's own `main` is not the one that runs).
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<CInt>,
                         _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                         _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

@_cdecl("sufficiency_fuzz_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var arguments = argv
    return LLVMFuzzerRunDriver(&count, &arguments) { data, size in fuzzOne(data, size) }
}
#else
@main
struct FuzzStub {
    static func main() {
        print("sufficiency-fuzz is a libFuzzer target: build and run it with bash Fuzz/run.sh")
    }
}
#endif
