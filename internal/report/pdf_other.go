//go:build !unix

package report

import "os/exec"

// killGroup leaves cmd as it is: its context kills the browser itself.
func killGroup(cmd *exec.Cmd) {}
