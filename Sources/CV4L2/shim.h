// libv4l2 and the kernel's V4L2 UAPI (libv4l-dev, linux-libc-dev). Nothing but includes.
#include <linux/videodev2.h>
#include <libv4l2.h>
