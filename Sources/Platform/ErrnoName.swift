#if canImport(Glibc)
import Glibc
#endif

/// The symbolic name of an errno value ("ENOTTY"), for messages that a
/// person can search for. Unknown values print as "errno N".
package func errnoName(_ code: Int32) -> String {
    switch code {
    case EPERM: return "EPERM"
    case ENOENT: return "ENOENT"
    case EINTR: return "EINTR"
    case EIO: return "EIO"
    case ENXIO: return "ENXIO"
    case EBADF: return "EBADF"
    case EAGAIN: return "EAGAIN"
    case ENOMEM: return "ENOMEM"
    case EACCES: return "EACCES"
    case EFAULT: return "EFAULT"
    case EBUSY: return "EBUSY"
    case ENODEV: return "ENODEV"
    case EISDIR: return "EISDIR"
    case EINVAL: return "EINVAL"
    case ENOTTY: return "ENOTTY"
    case ENOSPC: return "ENOSPC"
    case ERANGE: return "ERANGE"
    case EPIPE: return "EPIPE"
    case ENOSYS: return "ENOSYS"
    case EOPNOTSUPP: return "EOPNOTSUPP"
    case ETIMEDOUT: return "ETIMEDOUT"
    case ENOLINK: return "ENOLINK"
    case ECANCELED: return "ECANCELED"
    default: return "errno \(code)"
    }
}
