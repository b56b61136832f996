// framepipe lab: the system heap (drivers/dma-buf/heaps/system_heap.c) uses
// dma_buf_export(), which the kernel exports in the DMA_BUF namespace.
#include <linux/module.h>

MODULE_IMPORT_NS(DMA_BUF);
