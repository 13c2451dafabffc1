/* Test-only helper for installer/test-under-wine (never shipped): read and press the installer's windows.
 *
 *   wintext list            one JSON line per visible top-level window: its title, class, position and the
 *                           text of every visible control (UTF-8, whatever the Windows code page)
 *   wintext click ID        press the button with control ID in the visible dialog (NSIS: 1 下一步/安装/完成)
 *   wintext uncheck TEXT    untick the visible check box whose text contains TEXT
 *   wintext close TITLE     ask the visible top-level window whose title contains TITLE to close (WM_CLOSE)
 *
 * Exit 0 on success, 1 when there is no such window or control. Build: x86_64-w64-mingw32-gcc -municode.
 */
#include <windows.h>
#include <stdio.h>
#include <wchar.h>

static HANDLE out;

static void put(const char *s) {
    DWORD n;
    WriteFile(out, s, (DWORD)strlen(s), &n, NULL);
}

static void put_json(const wchar_t *w) {
    char buf[8192];
    int n = WideCharToMultiByte(CP_UTF8, 0, w, -1, buf, sizeof buf, NULL, NULL);
    put("\"");
    for (int i = 0; i < n - 1; i++) {
        unsigned char c = (unsigned char)buf[i];
        char esc[8];
        if (c == '"' || c == '\\') { esc[0] = '\\'; esc[1] = (char)c; esc[2] = 0; put(esc); }
        else if (c < 0x20) { snprintf(esc, sizeof esc, "\\u%04x", c); put(esc); }
        else { esc[0] = (char)c; esc[1] = 0; put(esc); }
    }
    put("\"");
}

static int first_control;

static BOOL CALLBACK list_control(HWND h, LPARAM unused) {
    wchar_t text[2048], cls[128];
    char num[64];
    (void)unused;
    if (!IsWindowVisible(h)) return TRUE;
    GetWindowTextW(h, text, 2048);
    GetClassNameW(h, cls, 128);
    if (!text[0]) return TRUE;
    put(first_control ? "{" : ", {");
    first_control = 0;
    snprintf(num, sizeof num, "\"id\": %d, \"class\": ", GetDlgCtrlID(h));
    put(num);
    put_json(cls);
    put(", \"text\": ");
    put_json(text);
    put("}");
    return TRUE;
}

static BOOL CALLBACK list_window(HWND h, LPARAM unused) {
    wchar_t title[1024], cls[128];
    char buf[160];
    RECT r;
    DWORD pid = 0;
    (void)unused;
    if (!IsWindowVisible(h)) return TRUE;
    GetWindowTextW(h, title, 1024);
    GetClassNameW(h, cls, 128);
    GetWindowRect(h, &r);
    GetWindowThreadProcessId(h, &pid);
    put("{\"title\": ");
    put_json(title);
    put(", \"class\": ");
    put_json(cls);
    snprintf(buf, sizeof buf, ", \"pid\": %lu, \"rect\": [%ld, %ld, %ld, %ld], \"controls\": [",
             (unsigned long)pid, r.left, r.top, r.right, r.bottom);
    put(buf);
    first_control = 1;
    EnumChildWindows(h, list_control, 0);
    put("]}\n");
    return TRUE;
}

static HWND dialog;

static BOOL CALLBACK find_dialog(HWND h, LPARAM unused) {
    wchar_t cls[128];
    (void)unused;
    GetClassNameW(h, cls, 128);
    if (IsWindowVisible(h) && wcscmp(cls, L"#32770") == 0) { dialog = h; return FALSE; }
    return TRUE;
}

static const wchar_t *wanted_text;
static HWND found;

static BOOL CALLBACK find_titled(HWND h, LPARAM unused) {
    wchar_t title[1024];
    (void)unused;
    GetWindowTextW(h, title, 1024);
    if (IsWindowVisible(h) && wcsstr(title, wanted_text)) { found = h; return FALSE; }
    return TRUE;
}

static BOOL CALLBACK find_checkbox(HWND h, LPARAM unused) {
    wchar_t text[1024], cls[64];
    (void)unused;
    GetClassNameW(h, cls, 64);
    GetWindowTextW(h, text, 1024);
    if (IsWindowVisible(h) && _wcsicmp(cls, L"Button") == 0 && wcsstr(text, wanted_text)) { found = h; return FALSE; }
    return TRUE;
}

int wmain(int argc, wchar_t **argv) {
    out = GetStdHandle(STD_OUTPUT_HANDLE);
    if (argc >= 2 && wcscmp(argv[1], L"list") == 0) {
        EnumWindows(list_window, 0);
        return 0;
    }
    if (argc == 3 && wcscmp(argv[1], L"close") == 0) {
        wanted_text = argv[2];
        EnumWindows(find_titled, 0);
        if (!found) { put("no such window\n"); return 1; }
        PostMessageW(found, WM_CLOSE, 0, 0);
        return 0;
    }
    EnumWindows(find_dialog, 0);
    if (!dialog) { put("no visible dialog\n"); return 1; }
    if (argc == 3 && wcscmp(argv[1], L"click") == 0) {
        int id = _wtoi(argv[2]);
        HWND button = GetDlgItem(dialog, id);
        if (!button || !IsWindowEnabled(button)) { put("no enabled control with that id\n"); return 1; }
        /* what a click on the button sends its dialog */
        PostMessageW(dialog, WM_COMMAND, MAKEWPARAM(id, BN_CLICKED), (LPARAM)button);
        return 0;
    }
    if (argc == 3 && wcscmp(argv[1], L"uncheck") == 0) {
        wanted_text = argv[2];
        EnumChildWindows(dialog, find_checkbox, 0);
        if (!found) { put("no such check box\n"); return 1; }
        SendMessageW(found, BM_SETCHECK, BST_UNCHECKED, 0);
        return 0;
    }
    put("usage: wintext list | click ID | uncheck TEXT | close TITLE\n");
    return 2;
}
