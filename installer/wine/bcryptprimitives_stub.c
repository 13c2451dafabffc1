/* Test-only stand-in for Windows' bcryptprimitives.dll, which Wine 8 lacks. Qt6Pdf.dll (Chromium's base
 * library inside PDFium) loads it at start and calls ProcessPrng for random bytes; without it the process
 * stops on a breakpoint (int3 at qt6pdf+0xaf4ae). Windows 10/11 always have it. Built with mingw by
 * installer/test-under-wine and placed in the Wine prefix's system32 only: never shipped. */
#include <windows.h>
#include <bcrypt.h>

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
    while (len > 0) {
        ULONG chunk = len > 0x40000000 ? 0x40000000 : (ULONG)len;
        if (BCryptGenRandom(NULL, data, chunk, BCRYPT_USE_SYSTEM_PREFERRED_RNG) != 0) return FALSE;
        data += chunk;
        len -= chunk;
    }
    return TRUE;
}
