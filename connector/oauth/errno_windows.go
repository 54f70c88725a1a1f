//go:build windows

package oauth

import (
	"errors"
	"syscall"
)

// Winsock error numbers (winerror.h).
const (
	wsaEACCES          = syscall.Errno(10013)
	wsaEADDRINUSE      = syscall.Errno(10048)
	wsaEADDRNOTAVAIL   = syscall.Errno(10049)
	wsaEAFNOSUPPORT    = syscall.Errno(10047)
	wsaEPROTONOSUPPORT = syscall.Errno(10043)
)

func isAddrInUse(err error) bool {
	return errors.Is(err, wsaEADDRINUSE) || errors.Is(err, syscall.EADDRINUSE)
}

func isAccessDenied(err error) bool {
	return errors.Is(err, wsaEACCES) || errors.Is(err, syscall.EACCES)
}

func isNoIPv6(err error) bool {
	return errors.Is(err, wsaEADDRNOTAVAIL) || errors.Is(err, wsaEAFNOSUPPORT) ||
		errors.Is(err, wsaEPROTONOSUPPORT)
}
