/// The registrations of one fake epoll instance (its lock is the kernel's).
final class FakeEpoll {
    /// Watched descriptor → the events asked for and the token reported.
    var registrations: [Int32: (events: UInt32, token: UInt64)] = [:]

    /// A descriptor that was closed for good.
    func forget(_ descriptor: Int32) {
        registrations[descriptor] = nil
    }
}
