#if canImport(Glibc)
import Glibc
#endif

/// Allocates what the fake's libdrm getters return the way libdrm does
/// (`drmMalloc` is `calloc(1, size)` for the struct, `drmAllocCpy` a
/// separate allocation per array, NULL for an empty one, `strdup` for the
/// version strings), so that the code under test frees them with the
/// matching `drmModeFree*`, and counts what is outstanding: a getter whose
/// result is never freed shows up in ``outstanding``.
///
/// Only the fake's own `drmModeFree*` functions free these; freeing a
/// pointer it did not hand out (or freeing twice) is reported as a
/// violation instead of corrupting the heap.
final class LibDRMHeap {
    /// Top-level objects handed out and not yet freed: address → what it is.
    private(set) var outstanding: [UInt: String] = [:]

    /// A zeroed struct, as `drmMalloc(sizeof(*r))` gives.
    func allocate<T>(_ type: T.Type, kind: String) -> UnsafeMutablePointer<T> {
        guard let raw = calloc(1, MemoryLayout<T>.size) else {
            preconditionFailure("out of memory allocating \(kind)")
        }
        let pointer = raw.bindMemory(to: T.self, capacity: 1)
        outstanding[UInt(bitPattern: pointer)] = kind
        return pointer
    }

    /// A copy of `values` in its own allocation, NULL when empty, as
    /// `drmAllocCpy` gives. Arrays are freed with their struct, so they are
    /// not counted on their own.
    func array<T>(_ values: [T]) -> UnsafeMutablePointer<T>? {
        guard !values.isEmpty, let raw = calloc(values.count, MemoryLayout<T>.stride) else { return nil }
        let pointer = raw.bindMemory(to: T.self, capacity: values.count)
        for (index, value) in values.enumerated() {
            (pointer + index).initialize(to: value)
        }
        return pointer
    }

    /// A copy of a C string, as `strdup` gives.
    func string(_ text: String) -> UnsafeMutablePointer<CChar>? {
        strdup(text)
    }

    /// Releases a top-level object; false (nothing freed) when it was not
    /// handed out by this heap or was freed already.
    func release<T>(_ pointer: UnsafeMutablePointer<T>) -> Bool {
        outstanding.removeValue(forKey: UInt(bitPattern: pointer)) != nil
    }

    /// Frees an array or string allocated by ``array(_:)`` or ``string(_:)``.
    func freeArray<T>(_ pointer: UnsafeMutablePointer<T>?) {
        free(pointer)
    }

    /// Frees a struct after ``release(_:)`` said it was ours.
    func freeStruct<T>(_ pointer: UnsafeMutablePointer<T>) {
        free(pointer)
    }
}
