// Forwarding only. Swift cannot import the kernel's function-like macros
// (_IOWR, v4l2_fourcc, fourcc_code) or call C variadic functions, so this
// target republishes those values as constants and wraps the variadic calls
// in one-line functions. No logic lives here.
//
// The header deliberately uses plain C types only, so that Swift never sees a
// second copy of the kernel structs (those come from CDRM and CV4L2).
#ifndef FRAMEPIPE_CKERNELSHIM_H
#define FRAMEPIPE_CKERNELSHIM_H

#include <stdint.h>

// MARK: V4L2 ioctl request numbers (linux/videodev2.h)
extern const unsigned long fp_VIDIOC_QUERYCAP;
extern const unsigned long fp_VIDIOC_ENUM_FMT;
extern const unsigned long fp_VIDIOC_G_FMT;
extern const unsigned long fp_VIDIOC_S_FMT;
extern const unsigned long fp_VIDIOC_TRY_FMT;
extern const unsigned long fp_VIDIOC_REQBUFS;
extern const unsigned long fp_VIDIOC_QUERYBUF;
extern const unsigned long fp_VIDIOC_QBUF;
extern const unsigned long fp_VIDIOC_DQBUF;
extern const unsigned long fp_VIDIOC_EXPBUF;
extern const unsigned long fp_VIDIOC_STREAMON;
extern const unsigned long fp_VIDIOC_STREAMOFF;
extern const unsigned long fp_VIDIOC_G_PARM;
extern const unsigned long fp_VIDIOC_S_PARM;
extern const unsigned long fp_VIDIOC_ENUM_FRAMESIZES;
extern const unsigned long fp_VIDIOC_G_INPUT;
extern const unsigned long fp_VIDIOC_S_INPUT;
extern const unsigned long fp_VIDIOC_ENUM_DV_TIMINGS;
extern const unsigned long fp_VIDIOC_G_DV_TIMINGS;
extern const unsigned long fp_VIDIOC_S_DV_TIMINGS;
extern const unsigned long fp_VIDIOC_ENUM_FRAMEINTERVALS;
extern const unsigned long fp_VIDIOC_QUERYCTRL;
extern const unsigned long fp_VIDIOC_QUERY_EXT_CTRL;
extern const unsigned long fp_VIDIOC_G_CTRL;
extern const unsigned long fp_VIDIOC_S_CTRL;
extern const unsigned long fp_VIDIOC_G_EXT_CTRLS;
extern const unsigned long fp_VIDIOC_S_EXT_CTRLS;
extern const unsigned long fp_VIDIOC_SUBSCRIBE_EVENT;
extern const unsigned long fp_VIDIOC_DQEVENT;

// MARK: Media controller and V4L2 subdevice request numbers (linux/media.h, linux/v4l2-subdev.h)
extern const unsigned long fp_MEDIA_IOC_DEVICE_INFO;
extern const unsigned long fp_MEDIA_IOC_G_TOPOLOGY;
extern const unsigned long fp_MEDIA_IOC_SETUP_LINK;
extern const unsigned long fp_VIDIOC_SUBDEV_G_FMT;
extern const unsigned long fp_VIDIOC_SUBDEV_S_FMT;
extern const unsigned long fp_VIDIOC_SUBDEV_ENUM_MBUS_CODE;
extern const unsigned long fp_VIDIOC_SUBDEV_ENUM_FRAME_SIZE;
extern const unsigned long fp_VIDIOC_SUBDEV_G_SELECTION;
extern const unsigned long fp_VIDIOC_SUBDEV_S_SELECTION;
extern const unsigned long fp_VIDIOC_SUBDEV_G_FRAME_INTERVAL;
extern const unsigned long fp_VIDIOC_SUBDEV_S_FRAME_INTERVAL;
extern const unsigned long fp_VIDIOC_SUBDEV_ENUM_FRAME_INTERVAL;

// MARK: DRM ioctl request numbers (drm.h, drm_mode.h) not wrapped by libdrm
extern const unsigned long fp_DRM_IOCTL_MODE_CREATE_DUMB;
extern const unsigned long fp_DRM_IOCTL_MODE_MAP_DUMB;
extern const unsigned long fp_DRM_IOCTL_MODE_DESTROY_DUMB;
extern const unsigned long fp_DRM_IOCTL_GEM_CLOSE;
extern const unsigned long fp_DRM_IOCTL_MODE_ATOMIC;

// MARK: dma-buf heap request number (linux/dma-heap.h)
extern const unsigned long fp_DMA_HEAP_IOCTL_ALLOC;

// MARK: dma-buf CPU access (linux/dma-buf.h)
extern const unsigned long fp_DMA_BUF_IOCTL_SYNC;
extern const uint64_t fp_DMA_BUF_SYNC_READ;
extern const uint64_t fp_DMA_BUF_SYNC_START;
extern const uint64_t fp_DMA_BUF_SYNC_END;

// MARK: Fourcc codes as the kernel headers define them. The pixel-format table
// in Swift spells each code from its four characters; unit tests compare the
// two so a typo in either place cannot pass.
extern const uint32_t fp_V4L2_PIX_FMT_XBGR32;
extern const uint32_t fp_V4L2_PIX_FMT_ABGR32;
extern const uint32_t fp_V4L2_PIX_FMT_XRGB32;
extern const uint32_t fp_V4L2_PIX_FMT_ARGB32;
extern const uint32_t fp_V4L2_PIX_FMT_BGRX32;
extern const uint32_t fp_V4L2_PIX_FMT_RGBX32;
extern const uint32_t fp_V4L2_PIX_FMT_RGB565;
extern const uint32_t fp_V4L2_PIX_FMT_RGB24;
extern const uint32_t fp_V4L2_PIX_FMT_BGR24;
extern const uint32_t fp_V4L2_PIX_FMT_YUYV;
extern const uint32_t fp_V4L2_PIX_FMT_YVYU;
extern const uint32_t fp_V4L2_PIX_FMT_UYVY;
extern const uint32_t fp_V4L2_PIX_FMT_VYUY;
extern const uint32_t fp_V4L2_PIX_FMT_NV12;
extern const uint32_t fp_V4L2_PIX_FMT_NV21;
extern const uint32_t fp_V4L2_PIX_FMT_NV16;
extern const uint32_t fp_V4L2_PIX_FMT_NV61;
extern const uint32_t fp_V4L2_PIX_FMT_NV24;
extern const uint32_t fp_V4L2_PIX_FMT_NV12M;
extern const uint32_t fp_V4L2_PIX_FMT_NV16M;
extern const uint32_t fp_V4L2_PIX_FMT_YUV420;
extern const uint32_t fp_V4L2_PIX_FMT_YVU420;

extern const uint32_t fp_DRM_FORMAT_XRGB8888;
extern const uint32_t fp_DRM_FORMAT_ARGB8888;
extern const uint32_t fp_DRM_FORMAT_BGRX8888;
extern const uint32_t fp_DRM_FORMAT_BGRA8888;
extern const uint32_t fp_DRM_FORMAT_XBGR8888;
extern const uint32_t fp_DRM_FORMAT_RGBX8888;
extern const uint32_t fp_DRM_FORMAT_RGB565;
extern const uint32_t fp_DRM_FORMAT_RGB888;
extern const uint32_t fp_DRM_FORMAT_BGR888;
extern const uint32_t fp_DRM_FORMAT_YUYV;
extern const uint32_t fp_DRM_FORMAT_YVYU;
extern const uint32_t fp_DRM_FORMAT_UYVY;
extern const uint32_t fp_DRM_FORMAT_VYUY;
extern const uint32_t fp_DRM_FORMAT_NV12;
extern const uint32_t fp_DRM_FORMAT_NV21;
extern const uint32_t fp_DRM_FORMAT_NV16;
extern const uint32_t fp_DRM_FORMAT_NV61;
extern const uint32_t fp_DRM_FORMAT_NV24;
extern const uint32_t fp_DRM_FORMAT_YUV420;
extern const uint32_t fp_DRM_FORMAT_YVU420;
extern const uint64_t fp_DRM_FORMAT_MOD_LINEAR;
extern const uint64_t fp_DRM_FORMAT_MOD_INVALID;

// MARK: One-line wrappers for variadic C functions
/// ioctl(2) on any fd.
int fp_ioctl(int fd, unsigned long request, void *arg);
/// libv4l2's v4l2_ioctl (variadic in C).
int fp_v4l2_ioctl(int fd, unsigned long request, void *arg);
/// perf_event_open(2), which glibc does not wrap (syscall(2) is variadic).
long fp_perf_event_open(void *attribute, int pid, int cpu, int group, unsigned long flags);
/// stat(2): Swift cannot name the function, whose name its struct shares.
int fp_stat(const char *path, void *information);
/// pipe2(2) (declared by glibc only under _GNU_SOURCE).
int fp_pipe2(int descriptors[2], int flags);
/// major(3) of a dev_t (a macro in C).
unsigned int fp_major(uint64_t device);

// MARK: epoll (sys/epoll.h is not part of Swift's Glibc module, and its
// struct epoll_event is packed on x86_64): plain arguments only.
extern const uint32_t fp_EPOLLIN;
extern const uint32_t fp_EPOLLERR;
extern const uint32_t fp_EPOLLHUP;
/// epoll_create1(EPOLL_CLOEXEC).
int fp_epoll_create(void);
/// epoll_ctl(EPOLL_CTL_ADD) with `events` and `token` as the event's data.
int fp_epoll_add(int epoll, int fd, uint32_t events, uint64_t token);
/// epoll_ctl(EPOLL_CTL_DEL).
int fp_epoll_delete(int epoll, int fd);
/// epoll_ctl(EPOLL_CTL_MOD) with `events` and `token` (re-arms a one-shot registration).
int fp_epoll_modify(int epoll, int fd, uint32_t events, uint64_t token);
extern const uint32_t fp_EPOLLONESHOT;
/// eventfd(initial, EFD_CLOEXEC | EFD_NONBLOCK).
int fp_eventfd(unsigned int initial);

// MARK: The calling thread (declared by glibc only under _GNU_SOURCE)
/// pthread_setname_np(pthread_self(), name).
int fp_set_thread_name(const char *name);
/// The soft RLIMIT_RTPRIO, or -1 when getrlimit fails.
long fp_rtprio_limit(void);
/// epoll_wait(2) for at most `capacity` (≤ 16) events, each copied out as
/// its token and its events.
int fp_epoll_wait(int epoll, uint64_t *tokens, uint32_t *events, int capacity, int timeout);

// MARK: stdio (Swift 6 refuses the global `stdout` as shared mutable state)
/// setvbuf(stdout, NULL, _IOLBF, 0).
int fp_line_buffer_stdout(void);

// MARK: the packaged binary's version
/// The size of the `framepipe_version` section scripts/package fills.
#define FP_VERSION_STAMP_SIZE 64
/// The version scripts/package stamped (NUL-terminated), or "" in a build
/// from the source tree.
const char *fp_version_stamp(void);

#endif
