#ifndef SUFFICIENCY_CXLSXWRITER_SHIM_H
#define SUFFICIENCY_CXLSXWRITER_SHIM_H
#include <xlsxwriter.h>
#endif
