//go:build !(linux || darwin || freebsd || netbsd || openbsd)

package main

import "os"

// terminalWidth returns 0: the terminal's size is not known here, and the
// timeline falls back to $COLUMNS or 80 columns.
func terminalWidth(*os.File) int { return 0 }
