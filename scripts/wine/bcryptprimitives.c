/* bcryptprimitives.dll for wine 8 (Debian 12), which lacks it: Go 1.22+
 * programs need its ProcessPrng at start-up. Windows 10 and later have the
 * real one; this stand-in is only for `make dist-check`'s wine smoke test.
 * ProcessPrng fills the buffer from RtlGenRandom (advapi32's
 * SystemFunction036), the system's random generator. */
#include <windows.h>
#include <ntsecapi.h>

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T size)
{
	while (size > 0) {
		ULONG n = size > 0x40000000 ? 0x40000000 : (ULONG)size;
		if (!RtlGenRandom(data, n))
			return FALSE;
		data += n;
		size -= n;
	}
	return TRUE;
}
