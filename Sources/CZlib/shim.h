#ifndef SOU_CZLIB_SHIM_H
#define SOU_CZLIB_SHIM_H
#include <zlib.h>
#endif
