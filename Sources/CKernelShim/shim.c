// Forwarding only: each definition republishes a kernel header value.
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>
#include <sys/stat.h>
#include "CKernelShim.h"
#include <linux/media.h>
#include <linux/v4l2-subdev.h>
#include <sys/ioctl.h>
#include <pthread.h>
#include <sys/resource.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <linux/videodev2.h>
#include <libv4l2.h>
#include <drm.h>
#include <drm_mode.h>
#include <drm_fourcc.h>
#include <linux/dma-heap.h>
#include <linux/dma-buf.h>

const unsigned long fp_VIDIOC_QUERYCAP = VIDIOC_QUERYCAP;
const unsigned long fp_VIDIOC_ENUM_FMT = VIDIOC_ENUM_FMT;
const unsigned long fp_VIDIOC_G_FMT = VIDIOC_G_FMT;
const unsigned long fp_VIDIOC_S_FMT = VIDIOC_S_FMT;
const unsigned long fp_VIDIOC_TRY_FMT = VIDIOC_TRY_FMT;
const unsigned long fp_VIDIOC_REQBUFS = VIDIOC_REQBUFS;
const unsigned long fp_VIDIOC_QUERYBUF = VIDIOC_QUERYBUF;
const unsigned long fp_VIDIOC_QBUF = VIDIOC_QBUF;
const unsigned long fp_VIDIOC_DQBUF = VIDIOC_DQBUF;
const unsigned long fp_VIDIOC_EXPBUF = VIDIOC_EXPBUF;
const unsigned long fp_VIDIOC_STREAMON = VIDIOC_STREAMON;
const unsigned long fp_VIDIOC_STREAMOFF = VIDIOC_STREAMOFF;
const unsigned long fp_VIDIOC_G_PARM = VIDIOC_G_PARM;
const unsigned long fp_VIDIOC_S_PARM = VIDIOC_S_PARM;
const unsigned long fp_VIDIOC_ENUM_FRAMESIZES = VIDIOC_ENUM_FRAMESIZES;
const unsigned long fp_VIDIOC_G_INPUT = VIDIOC_G_INPUT;
const unsigned long fp_VIDIOC_S_INPUT = VIDIOC_S_INPUT;
const unsigned long fp_VIDIOC_ENUM_DV_TIMINGS = VIDIOC_ENUM_DV_TIMINGS;
const unsigned long fp_VIDIOC_G_DV_TIMINGS = VIDIOC_G_DV_TIMINGS;
const unsigned long fp_VIDIOC_S_DV_TIMINGS = VIDIOC_S_DV_TIMINGS;
const unsigned long fp_VIDIOC_ENUM_FRAMEINTERVALS = VIDIOC_ENUM_FRAMEINTERVALS;
const unsigned long fp_VIDIOC_QUERYCTRL = VIDIOC_QUERYCTRL;
const unsigned long fp_VIDIOC_QUERY_EXT_CTRL = VIDIOC_QUERY_EXT_CTRL;
const unsigned long fp_VIDIOC_G_CTRL = VIDIOC_G_CTRL;
const unsigned long fp_VIDIOC_S_CTRL = VIDIOC_S_CTRL;
const unsigned long fp_VIDIOC_G_EXT_CTRLS = VIDIOC_G_EXT_CTRLS;
const unsigned long fp_VIDIOC_S_EXT_CTRLS = VIDIOC_S_EXT_CTRLS;
const unsigned long fp_VIDIOC_SUBSCRIBE_EVENT = VIDIOC_SUBSCRIBE_EVENT;
const unsigned long fp_VIDIOC_DQEVENT = VIDIOC_DQEVENT;

const unsigned long fp_MEDIA_IOC_DEVICE_INFO = MEDIA_IOC_DEVICE_INFO;
const unsigned long fp_MEDIA_IOC_G_TOPOLOGY = MEDIA_IOC_G_TOPOLOGY;
const unsigned long fp_MEDIA_IOC_SETUP_LINK = MEDIA_IOC_SETUP_LINK;
const unsigned long fp_VIDIOC_SUBDEV_G_FMT = VIDIOC_SUBDEV_G_FMT;
const unsigned long fp_VIDIOC_SUBDEV_S_FMT = VIDIOC_SUBDEV_S_FMT;
const unsigned long fp_VIDIOC_SUBDEV_ENUM_MBUS_CODE = VIDIOC_SUBDEV_ENUM_MBUS_CODE;
const unsigned long fp_VIDIOC_SUBDEV_ENUM_FRAME_SIZE = VIDIOC_SUBDEV_ENUM_FRAME_SIZE;
const unsigned long fp_VIDIOC_SUBDEV_G_SELECTION = VIDIOC_SUBDEV_G_SELECTION;
const unsigned long fp_VIDIOC_SUBDEV_S_SELECTION = VIDIOC_SUBDEV_S_SELECTION;
const unsigned long fp_VIDIOC_SUBDEV_G_FRAME_INTERVAL = VIDIOC_SUBDEV_G_FRAME_INTERVAL;
const unsigned long fp_VIDIOC_SUBDEV_S_FRAME_INTERVAL = VIDIOC_SUBDEV_S_FRAME_INTERVAL;
const unsigned long fp_VIDIOC_SUBDEV_ENUM_FRAME_INTERVAL = VIDIOC_SUBDEV_ENUM_FRAME_INTERVAL;
const unsigned long fp_DRM_IOCTL_MODE_CREATE_DUMB = DRM_IOCTL_MODE_CREATE_DUMB;
const unsigned long fp_DRM_IOCTL_MODE_MAP_DUMB = DRM_IOCTL_MODE_MAP_DUMB;
const unsigned long fp_DRM_IOCTL_MODE_DESTROY_DUMB = DRM_IOCTL_MODE_DESTROY_DUMB;
const unsigned long fp_DRM_IOCTL_GEM_CLOSE = DRM_IOCTL_GEM_CLOSE;
const unsigned long fp_DRM_IOCTL_MODE_ATOMIC = DRM_IOCTL_MODE_ATOMIC;
const unsigned long fp_DMA_HEAP_IOCTL_ALLOC = DMA_HEAP_IOCTL_ALLOC;
const unsigned long fp_DMA_BUF_IOCTL_SYNC = DMA_BUF_IOCTL_SYNC;
const uint64_t fp_DMA_BUF_SYNC_READ = DMA_BUF_SYNC_READ;
const uint64_t fp_DMA_BUF_SYNC_START = DMA_BUF_SYNC_START;
const uint64_t fp_DMA_BUF_SYNC_END = DMA_BUF_SYNC_END;
const uint32_t fp_V4L2_PIX_FMT_XBGR32 = V4L2_PIX_FMT_XBGR32;
const uint32_t fp_V4L2_PIX_FMT_ABGR32 = V4L2_PIX_FMT_ABGR32;
const uint32_t fp_V4L2_PIX_FMT_XRGB32 = V4L2_PIX_FMT_XRGB32;
const uint32_t fp_V4L2_PIX_FMT_ARGB32 = V4L2_PIX_FMT_ARGB32;
const uint32_t fp_V4L2_PIX_FMT_BGRX32 = V4L2_PIX_FMT_BGRX32;
const uint32_t fp_V4L2_PIX_FMT_RGBX32 = V4L2_PIX_FMT_RGBX32;
const uint32_t fp_V4L2_PIX_FMT_RGB565 = V4L2_PIX_FMT_RGB565;
const uint32_t fp_V4L2_PIX_FMT_RGB24 = V4L2_PIX_FMT_RGB24;
const uint32_t fp_V4L2_PIX_FMT_BGR24 = V4L2_PIX_FMT_BGR24;
const uint32_t fp_V4L2_PIX_FMT_YUYV = V4L2_PIX_FMT_YUYV;
const uint32_t fp_V4L2_PIX_FMT_YVYU = V4L2_PIX_FMT_YVYU;
const uint32_t fp_V4L2_PIX_FMT_UYVY = V4L2_PIX_FMT_UYVY;
const uint32_t fp_V4L2_PIX_FMT_VYUY = V4L2_PIX_FMT_VYUY;
const uint32_t fp_V4L2_PIX_FMT_NV12 = V4L2_PIX_FMT_NV12;
const uint32_t fp_V4L2_PIX_FMT_NV21 = V4L2_PIX_FMT_NV21;
const uint32_t fp_V4L2_PIX_FMT_NV16 = V4L2_PIX_FMT_NV16;
const uint32_t fp_V4L2_PIX_FMT_NV61 = V4L2_PIX_FMT_NV61;
const uint32_t fp_V4L2_PIX_FMT_NV24 = V4L2_PIX_FMT_NV24;
const uint32_t fp_V4L2_PIX_FMT_NV12M = V4L2_PIX_FMT_NV12M;
const uint32_t fp_V4L2_PIX_FMT_NV16M = V4L2_PIX_FMT_NV16M;
const uint32_t fp_V4L2_PIX_FMT_YUV420 = V4L2_PIX_FMT_YUV420;
const uint32_t fp_V4L2_PIX_FMT_YVU420 = V4L2_PIX_FMT_YVU420;
const uint32_t fp_DRM_FORMAT_XRGB8888 = DRM_FORMAT_XRGB8888;
const uint32_t fp_DRM_FORMAT_ARGB8888 = DRM_FORMAT_ARGB8888;
const uint32_t fp_DRM_FORMAT_BGRX8888 = DRM_FORMAT_BGRX8888;
const uint32_t fp_DRM_FORMAT_BGRA8888 = DRM_FORMAT_BGRA8888;
const uint32_t fp_DRM_FORMAT_XBGR8888 = DRM_FORMAT_XBGR8888;
const uint32_t fp_DRM_FORMAT_RGBX8888 = DRM_FORMAT_RGBX8888;
const uint32_t fp_DRM_FORMAT_RGB565 = DRM_FORMAT_RGB565;
const uint32_t fp_DRM_FORMAT_RGB888 = DRM_FORMAT_RGB888;
const uint32_t fp_DRM_FORMAT_BGR888 = DRM_FORMAT_BGR888;
const uint32_t fp_DRM_FORMAT_YUYV = DRM_FORMAT_YUYV;
const uint32_t fp_DRM_FORMAT_YVYU = DRM_FORMAT_YVYU;
const uint32_t fp_DRM_FORMAT_UYVY = DRM_FORMAT_UYVY;
const uint32_t fp_DRM_FORMAT_VYUY = DRM_FORMAT_VYUY;
const uint32_t fp_DRM_FORMAT_NV12 = DRM_FORMAT_NV12;
const uint32_t fp_DRM_FORMAT_NV21 = DRM_FORMAT_NV21;
const uint32_t fp_DRM_FORMAT_NV16 = DRM_FORMAT_NV16;
const uint32_t fp_DRM_FORMAT_NV61 = DRM_FORMAT_NV61;
const uint32_t fp_DRM_FORMAT_NV24 = DRM_FORMAT_NV24;
const uint32_t fp_DRM_FORMAT_YUV420 = DRM_FORMAT_YUV420;
const uint32_t fp_DRM_FORMAT_YVU420 = DRM_FORMAT_YVU420;
const uint64_t fp_DRM_FORMAT_MOD_LINEAR = DRM_FORMAT_MOD_LINEAR;
const uint64_t fp_DRM_FORMAT_MOD_INVALID = DRM_FORMAT_MOD_INVALID;

int fp_ioctl(int fd, unsigned long request, void *arg) { return ioctl(fd, request, arg); }
int fp_v4l2_ioctl(int fd, unsigned long request, void *arg) { return v4l2_ioctl(fd, request, arg); }
unsigned int fp_major(uint64_t device) { return major(device); }
int fp_pipe2(int descriptors[2], int flags) { return pipe2(descriptors, flags); }
long fp_perf_event_open(void *attribute, int pid, int cpu, int group, unsigned long flags) {
    return syscall(SYS_perf_event_open, attribute, pid, cpu, group, flags);
}
int fp_stat(const char *path, void *information) { return stat(path, (struct stat *)information); }

const uint32_t fp_EPOLLIN = EPOLLIN;
const uint32_t fp_EPOLLERR = EPOLLERR;
const uint32_t fp_EPOLLHUP = EPOLLHUP;
int fp_epoll_create(void) { return epoll_create1(EPOLL_CLOEXEC); }
int fp_epoll_add(int epoll, int fd, uint32_t events, uint64_t token) {
    struct epoll_event event = { .events = events, .data = { .u64 = token } };
    return epoll_ctl(epoll, EPOLL_CTL_ADD, fd, &event);
}
int fp_epoll_delete(int epoll, int fd) { return epoll_ctl(epoll, EPOLL_CTL_DEL, fd, NULL); }
int fp_epoll_modify(int epoll, int fd, uint32_t events, uint64_t token) {
    struct epoll_event event = { .events = events, .data = { .u64 = token } };
    return epoll_ctl(epoll, EPOLL_CTL_MOD, fd, &event);
}
const uint32_t fp_EPOLLONESHOT = EPOLLONESHOT;
int fp_eventfd(unsigned int initial) { return eventfd(initial, EFD_CLOEXEC | EFD_NONBLOCK); }
int fp_epoll_wait(int epoll, uint64_t *tokens, uint32_t *events, int capacity, int timeout) {
    struct epoll_event ready[16];
    int count = epoll_wait(epoll, ready, capacity < 16 ? capacity : 16, timeout);
    for (int index = 0; index < count; index++) {
        tokens[index] = ready[index].data.u64;
        events[index] = ready[index].events;
    }
    return count;
}
int fp_set_thread_name(const char *name) { return pthread_setname_np(pthread_self(), name); }
long fp_rtprio_limit(void) {
    struct rlimit limit;
    return getrlimit(RLIMIT_RTPRIO, &limit) == 0 ? (long)limit.rlim_cur : -1;
}
int fp_line_buffer_stdout(void) { return setvbuf(stdout, NULL, _IOLBF, 0); }

/* The version scripts/package stamps into a packaged binary with
   `objcopy --update-section framepipe_version=FILE` (FILE: the version,
   NUL-padded to the array's size); a build from the source tree keeps it
   empty. Its own section so that objcopy can find it; `used` so that
   neither compiler nor linker drops it. */
__attribute__((used, section("framepipe_version"))) const char fp_version_stamp_bytes[FP_VERSION_STAMP_SIZE] = "";
const char *fp_version_stamp(void) { return fp_version_stamp_bytes; }
