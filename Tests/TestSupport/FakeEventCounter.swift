/// An eventfd's counter (its lock is the kernel's).
final class FakeEventCounter {
    var value: UInt64 = 0
}
