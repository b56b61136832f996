// libdrm as found by pkg-config (libdrm-dev). Nothing but includes.
#include <xf86drm.h>
#include <xf86drmMode.h>
