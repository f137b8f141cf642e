//go:build unix

package cli

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestSecondSignalQuits runs a child process that, like a command that
// cannot stop early, ignores the context of SignalContext: the first SIGINT
// must cancel the context (and say that a second quits), the child must keep
// running, and the second SIGINT must end it at once with the signal.
func TestSecondSignalQuits(t *testing.T) {
	if os.Getenv("CONTRAST_SIGNAL_CHILD") == "1" {
		ctx, stop := SignalContext(os.Stderr)
		defer stop()
		fmt.Println("ready")
		<-ctx.Done()
		fmt.Println("cancelled")
		time.Sleep(20 * time.Second) // ignores the cancellation
		os.Exit(3)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestSecondSignalQuits$")
	cmd.Env = append(os.Environ(), "CONTRAST_SIGNAL_CHILD=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	lines := bufio.NewScanner(out)
	expect := func(want string) {
		t.Helper()
		if !lines.Scan() || lines.Text() != want {
			t.Fatalf("child printed %q (%v), want %q; stderr %q", lines.Text(), lines.Err(), want, stderr.String())
		}
	}
	expect("ready")
	cmd.Process.Signal(syscall.SIGINT)
	expect("cancelled")
	time.Sleep(100 * time.Millisecond)
	cmd.Process.Signal(syscall.SIGINT)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the child outlived a second SIGINT by 10 s")
	}
	ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus)
	if !ok || !ws.Signaled() || ws.Signal() != syscall.SIGINT {
		t.Errorf("child ended with %v, want killed by SIGINT", cmd.ProcessState)
	}
	if !strings.Contains(stderr.String(), "stopping (interrupt signal received); a second signal quits at once") {
		t.Errorf("stderr %q does not say that a second signal quits", stderr.String())
	}
}
