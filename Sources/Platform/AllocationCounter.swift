#if canImport(Glibc)
import Glibc
#endif

/// Counts the process's heap allocations through ordo-one's malloc
/// interposer (`libMallocInterposerSwift.so`) when that library has been
/// preloaded (LD_PRELOAD). framepipe does not link it: interposing malloc
/// costs every allocation a header, so only `framepipe bench` asks for it.
package struct AllocationCounter: @unchecked Sendable {
    private typealias Action = @convention(c) () -> Void
    private typealias Read = @convention(c) (
        UnsafeMutablePointer<Int64>, UnsafeMutablePointer<Int64>, UnsafeMutablePointer<Int64>,
        UnsafeMutablePointer<Int64>, UnsafeMutablePointer<Int64>, UnsafeMutablePointer<Int64>) -> Void

    private let enableFunction: Action
    private let disableFunction: Action
    private let resetFunction: Action
    private let readFunction: Read

    /// The library's file name, looked for beside the executable.
    package static let libraryName = "libMallocInterposerSwift.so"

    /// The counter, if the interposer is loaded in this process.
    package static func preloaded() -> AllocationCounter? {
        let handle = UnsafeMutableRawPointer(bitPattern: 0)  // RTLD_DEFAULT
        guard let enable = dlsym(handle, "malloc_interposer_enable"),
              let disable = dlsym(handle, "malloc_interposer_disable"),
              let reset = dlsym(handle, "malloc_interposer_reset"),
              let read = dlsym(handle, "malloc_interposer_get_stats"),
              dlsym(handle, "replacement_malloc") != nil
        else { return nil }
        return AllocationCounter(
            enableFunction: unsafeBitCast(enable, to: Action.self),
            disableFunction: unsafeBitCast(disable, to: Action.self),
            resetFunction: unsafeBitCast(reset, to: Action.self),
            readFunction: unsafeBitCast(read, to: Read.self))
    }

    /// Zeroes the counters and starts counting.
    package func start() {
        resetFunction()
        enableFunction()
    }

    /// Stops counting; the totals stay readable.
    package func stop() { disableFunction() }

    /// Allocation calls counted since ``start()``.
    package var allocations: Int64 {
        var count: Int64 = 0, bytes: Int64 = 0, small: Int64 = 0, large: Int64 = 0, frees: Int64 = 0, freed: Int64 = 0
        readFunction(&count, &bytes, &small, &large, &frees, &freed)
        return count
    }
}
