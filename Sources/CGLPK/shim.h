#ifndef SUFFICIENCY_CGLPK_SHIM_H
#define SUFFICIENCY_CGLPK_SHIM_H
#include <glpk.h>
#endif
