package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// SignalContext returns a context that the first Ctrl-C (SIGINT) or SIGTERM
// cancels: training saves a checkpoint and stops, serve drains its requests,
// and the long loops of the other commands stop at their next check. A
// second signal ends the process at once with the default action, so a
// command that cannot stop early (or one stuck in a long step) never makes
// the user reach for kill -9; what contrast writes goes through a temporary
// file and a rename, so that exit cannot leave a torn file. The first
// signal is reported on w. (Two signals that arrive together, before the
// default action is restored, count as one.) stop releases the signals.
func SignalContext(w io.Writer) (ctx context.Context, stop func()) {
	ctx, stop = signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		<-ctx.Done()
		stop() // the next signal gets the default action
		// A signal's cause names it; stop's own cancel at exit is Canceled.
		if cause := context.Cause(ctx); cause != context.Canceled {
			fmt.Fprintf(w, "contrast: stopping (%v); a second signal quits at once\n", cause)
		}
	}()
	return ctx, stop
}
