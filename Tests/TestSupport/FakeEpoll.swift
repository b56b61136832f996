/// The registrations of one fake epoll instance (its lock is the kernel's).
final class FakeEpoll {
    /// Watched descriptor → the events asked for, the token reported, and
    /// whether a one-shot registration already reported (disabled until
    /// EPOLL_CTL_MOD).
    var registrations: [Int32: (events: UInt32, token: UInt64, disabled: Bool)] = [:]

    /// A descriptor that was closed for good.
    func forget(_ descriptor: Int32) {
        registrations[descriptor] = nil
    }
}
