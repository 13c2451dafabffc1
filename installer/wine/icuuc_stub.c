/* Test-only stand-in for Windows' system icuuc.dll, which Wine 8 lacks (notes/windows-installer.md,
 * pitfall 2). Qt6Core.dll imports these 20 ucnv_* names for legacy text codecs; the app uses UTF-8
 * only. Every converter fails to open, so Qt falls back to its own codecs. Built with mingw by
 * installer/test-under-wine and placed in the Wine prefix's system32 only: never shipped. */
#include <stddef.h>
#include <stdint.h>

#define EXPORT __declspec(dllexport)
#define U_UNSUPPORTED_ERROR 16

typedef int32_t UErrorCode;

EXPORT void *ucnv_open(const char *name, UErrorCode *err) {
    (void)name;
    if (err) *err = U_UNSUPPORTED_ERROR;
    return NULL;
}
EXPORT void ucnv_close(void *cnv) { (void)cnv; }
EXPORT void ucnv_reset(void *cnv) { (void)cnv; }
EXPORT int8_t ucnv_getMaxCharSize(const void *cnv) { (void)cnv; return 4; }
EXPORT const char *ucnv_getName(const void *cnv, UErrorCode *err) { (void)cnv; (void)err; return ""; }
EXPORT const char *ucnv_getStandardName(const char *name, const char *standard, UErrorCode *err) {
    (void)name; (void)standard; (void)err; return NULL;
}
EXPORT int32_t ucnv_countAvailable(void) { return 0; }
EXPORT const char *ucnv_getAvailableName(int32_t n) { (void)n; return NULL; }
EXPORT void ucnv_getToUCallBack(const void *cnv, void **action, const void **context) {
    (void)cnv; if (action) *action = NULL; if (context) *context = NULL;
}
EXPORT void ucnv_getFromUCallBack(const void *cnv, void **action, const void **context) {
    (void)cnv; if (action) *action = NULL; if (context) *context = NULL;
}
EXPORT void ucnv_setToUCallBack(void *cnv, void *a, const void *c, void **oa, const void **oc, UErrorCode *err) {
    (void)cnv; (void)a; (void)c; (void)oa; (void)oc; if (err) *err = U_UNSUPPORTED_ERROR;
}
EXPORT void ucnv_setFromUCallBack(void *cnv, void *a, const void *c, void **oa, const void **oc, UErrorCode *err) {
    (void)cnv; (void)a; (void)c; (void)oa; (void)oc; if (err) *err = U_UNSUPPORTED_ERROR;
}
EXPORT void ucnv_cbToUWriteUChars(void *args, const uint16_t *s, int32_t len, int32_t off, UErrorCode *err) {
    (void)args; (void)s; (void)len; (void)off; if (err) *err = U_UNSUPPORTED_ERROR;
}
EXPORT void ucnv_cbFromUWriteUChars(void *args, const uint16_t **s, const uint16_t *lim, int32_t off,
                                    UErrorCode *err) {
    (void)args; (void)s; (void)lim; (void)off; if (err) *err = U_UNSUPPORTED_ERROR;
}
EXPORT void ucnv_toUnicode(void *cnv, uint16_t **t, const uint16_t *tl, const char **s, const char *sl,
                           int32_t *off, int8_t flush, UErrorCode *err) {
    (void)cnv; (void)t; (void)tl; (void)s; (void)sl; (void)off; (void)flush; if (err) *err = U_UNSUPPORTED_ERROR;
}
EXPORT void ucnv_fromUnicode(void *cnv, char **t, const char *tl, const uint16_t **s, const uint16_t *sl,
                             int32_t *off, int8_t flush, UErrorCode *err) {
    (void)cnv; (void)t; (void)tl; (void)s; (void)sl; (void)off; (void)flush; if (err) *err = U_UNSUPPORTED_ERROR;
}
EXPORT int32_t ucnv_toUCountPending(const void *cnv, UErrorCode *err) { (void)cnv; (void)err; return 0; }
EXPORT int32_t ucnv_fromUCountPending(const void *cnv, UErrorCode *err) { (void)cnv; (void)err; return 0; }
EXPORT void UCNV_FROM_U_CALLBACK_SUBSTITUTE(const void *c, void *a, const uint16_t *u, int32_t l, int32_t cp,
                                            int r, UErrorCode *err) {
    (void)c; (void)a; (void)u; (void)l; (void)cp; (void)r; (void)err;
}
EXPORT void UCNV_TO_U_CALLBACK_SUBSTITUTE(const void *c, void *a, const char *b, int32_t l, int r,
                                          UErrorCode *err) {
    (void)c; (void)a; (void)b; (void)l; (void)r; (void)err;
}
